import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNextPath } from './next-path.ts';

describe('safeNextPath', () => {
  it.each([
    ['/papers/2410.17243', '/papers/2410.17243'],
    ['/search?q=graph+neural&p=2', '/search?q=graph+neural&p=2'],
    ['/papers/trending#top', '/papers/trending#top'],
    ['/', '/'],
    // Percent-encoded characters stay encoded: harmless in a Location header.
    ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
  ])('keeps the same-site path %j', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    '//evil.com',
    '//evil.com/path',
    '/..//evil.com',
    '/./\\evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    'https://evil.com',
    'http:/evil.com',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/ /evil.com',
    '',
    '/' + 'a'.repeat(3000),
  ])('turns %j into /', (input) => {
    expect(safeNextPath(input)).toBe('/');
  });

  it('refuses what is not a string', () => {
    expect(safeNextPath(undefined)).toBe('/');
    expect(safeNextPath(['/a'])).toBe('/');
  });

  it('always gives a path that a browser resolves on the same origin', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        for (const input of [s, `/${s}`, `//${s}`, `/\\${s}`]) {
          const out = safeNextPath(input);
          expect(out.startsWith('/')).toBe(true);
          expect(new URL(out, 'https://paperboy.example/x').origin).toBe('https://paperboy.example');
          expect(out[1]).not.toBe('/');
          expect(out[1]).not.toBe('\\');
        }
      }),
      { numRuns: 500 },
    );
  });
});
