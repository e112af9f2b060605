import { describe, expect, it } from 'vitest';
import { parseGithubRepo, parseOrganization, parseProjectPage } from './submission-links.ts';

describe('parseGithubRepo', () => {
  it.each([
    ['https://github.com/huggingface/transformers', 'https://github.com/huggingface/transformers'],
    ['  https://github.com/openai/whisper/ ', 'https://github.com/openai/whisper'],
    ['https://github.com/facebookresearch/llama.git', 'https://github.com/facebookresearch/llama'],
    ['https://www.github.com/a-b/c_d.e/tree/main/src', 'https://github.com/a-b/c_d.e'],
  ])('accepts %s', (input, value) => {
    expect(parseGithubRepo(input)).toEqual({ ok: true, value });
  });

  it.each([
    'http://github.com/owner/repo',
    'https://gitlab.com/owner/repo',
    'https://github.com/owner',
    'https://github.com/',
    'https://github.com.evil.com/owner/repo',
    'https://user:pw@github.com/owner/repo',
    'https://github.com:8443/owner/repo',
    'https://github.com/-owner/repo',
    'https://github.com/owner/..',
    'github.com/owner/repo',
    'javascript:alert(1)',
    '',
  ])('refuses %s', (input) => {
    expect(parseGithubRepo(input)).toMatchObject({ ok: false, message: expect.stringMatching(/GitHub/) });
  });
});

describe('parseProjectPage', () => {
  it('accepts http and https pages', () => {
    expect(parseProjectPage('https://example.org/project')).toEqual({
      ok: true,
      value: 'https://example.org/project',
    });
    expect(parseProjectPage('http://lab.example.edu')).toEqual({
      ok: true,
      value: 'http://lab.example.edu/',
    });
  });

  it.each(['javascript:alert(1)', 'ftp://example.org/', 'data:text/html,hi', 'https://localhost/', 'nope'])(
    'refuses %s',
    (input) => {
      expect(parseProjectPage(input).ok).toBe(false);
    },
  );

  it('refuses credentials and overlong addresses', () => {
    expect(parseProjectPage('https://me:secret@example.org/').ok).toBe(false);
    expect(parseProjectPage(`https://example.org/${'a'.repeat(2000)}`).ok).toBe(false);
  });
});

describe('parseOrganization', () => {
  it('collapses spaces and derives a short name', () => {
    expect(parseOrganization('  Google   DeepMind ')).toEqual({
      ok: true,
      value: { fullname: 'Google DeepMind', slug: 'google-deepmind' },
    });
    expect(parseOrganization('École Normale Supérieure')).toEqual({
      ok: true,
      value: { fullname: 'École Normale Supérieure', slug: 'ecole-normale-superieure' },
    });
  });

  it('refuses names without letters or digits, and too short or too long ones', () => {
    for (const input of ['', 'a', '!!!', 'x'.repeat(101), 'a\u0000b']) {
      expect(parseOrganization(input).ok).toBe(false);
    }
  });
});
