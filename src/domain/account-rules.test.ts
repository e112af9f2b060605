import { describe, expect, it } from 'vitest';
import {
  displayNameProblem,
  emailProblem,
  handleFromEmail,
  handleProblem,
  normalizeDisplayName,
  normalizeEmail,
} from './account-rules.ts';

describe('emails', () => {
  it('normalises case and spaces', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.ORG ')).toBe('ada.lovelace@example.org');
  });

  it.each(['ada@example.org', 'a+b@sub.example.co.uk'])('accepts %j', (e) => {
    expect(emailProblem(e)).toBeNull();
  });

  it.each([
    '',
    'ada',
    'ada@',
    '@example.org',
    'ada@localhost',
    'a@b@c.org',
    'ada @x.org',
    'a@x.org\r\nBcc: b@y.org',
    'a<b>@x.org',
  ])('refuses %j with a message', (e) => {
    expect(emailProblem(e)).toMatch(/\w/);
  });
});

describe('handles', () => {
  it.each(['ab', 'ada', 'ada_lovelace', 'a-1', 'x'.repeat(30)])('accepts %j', (h) => {
    expect(handleProblem(h)).toBeNull();
  });

  it.each([
    ['a', '2 to 30'],
    ['x'.repeat(31), '2 to 30'],
    ['Ada', 'lower-case'],
    ['ada lovelace', 'lower-case'],
    ['ada.l', 'lower-case'],
    ['admin', 'reserved'],
    ['api', 'reserved'],
    ['settings', 'reserved'],
  ])('refuses %j', (h, why) => {
    expect(handleProblem(h)).toContain(why);
  });

  it('derives a valid handle from any email, numbering later attempts', () => {
    expect(handleFromEmail('Ada.Lovelace+papers@example.org')).toBe('ada-lovelace');
    expect(handleFromEmail('ada.lovelace@example.org', 1)).toBe('ada-lovelace2');
    expect(handleFromEmail('jöhn@example.org')).toBe('john');
    expect(handleFromEmail('a@example.org')).toBe('a-user');
    expect(handleFromEmail('admin@example.org')).toBe('admin-user');
    expect(handleFromEmail('...@example.org')).toBe('reader-user');
    const long = handleFromEmail(`${'x'.repeat(40)}@example.org`, 11);
    expect(long).toHaveLength(30);
    expect(long.endsWith('12')).toBe(true);
    for (const e of ['a@x.org', '__@x.org', 'ÉÉ@x.org', 'root@x.org', '1@x.org', '-x-@x.org']) {
      for (const attempt of [0, 3]) expect(handleProblem(handleFromEmail(e, attempt))).toBeNull();
    }
  });
});

describe('display names', () => {
  it('collapses white space and refuses empty, long or control-character names', () => {
    expect(normalizeDisplayName('  Ada \n Lovelace ')).toBe('Ada Lovelace');
    expect(displayNameProblem('')).toMatch(/Enter/);
    expect(displayNameProblem('x'.repeat(61))).toMatch(/60/);
    expect(displayNameProblem('a\u0007b')).toMatch(/control/);
    expect(displayNameProblem('Ada Lovelace 🚀')).toBeNull();
  });
});
