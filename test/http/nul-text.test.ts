// Text with U+0000 (NUL) in it, as a crafted request can send it, behaves the same on both backends
// (this file runs on SQLite in the unit project and on PostgreSQL in http-pg): PostgreSQL's text
// cannot hold the character, so there it failed comments, saved searches and lookups with a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';

const PAPER = '2410.17243';
let t: TestApp;
let ada: Session;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada' });
});
afterAll(async () => {
  await t?.close();
});

function form(fields: Record<string, string>) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

describe('text with U+0000', () => {
  it('is posted as a comment, shown with the replacement character', async () => {
    const res = await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: 'before\u0000after' }),
    });
    expect(res.statusCode).toBe(303);
    const page = await t.app.inject(`/papers/${PAPER}`);
    expect(page.body).toContain('before\uFFFDafter');
    expect(page.body).not.toContain('\u0000');
  });

  it('is saved in a topic alert', async () => {
    const res = await ada.inject({
      method: 'POST',
      url: '/subscribe',
      ...form({
        email: 'ada@example.org',
        kind: 'topic',
        query: 'graph\u0000 neural',
        hour: '8',
        timeZone: 'UTC',
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('\u0000');
  });

  it('finds no user, organization or paper by a name with it', async () => {
    for (const url of [
      '/u/ada%00',
      '/org/parameterlab%00',
      '/papers/2410.17243%00',
      '/api/papers/2410.17243%00',
    ]) {
      expect((await t.app.inject(url)).statusCode, url).toBe(404);
    }
  });
});
