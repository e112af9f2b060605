import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // A real failure underneath: the database goes away while the server runs.
  await t.container.database.close();
});
afterAll(async () => {
  await t.close();
});

describe('when the server fails', () => {
  it('answers 500 with a page that leaks nothing', async () => {
    const res = await t.app.inject('/papers/date/2026-11-20');
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Something went wrong');
    for (const leak of ['driver', 'destroy', 'Kysely', 'at ', '.ts', 'stack', 'Error:']) {
      expect(res.body).not.toContain(leak);
    }
  });

  it('reports the health check as unavailable', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable' });
  });
});
