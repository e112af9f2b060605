// /admin/jobs over HTTP: administrators only; recent jobs with state, tries and report; schedules;
// "run now" enqueues a job (CSRF-protected form), refusing kinds this site does not run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/db/repositories/job-repository.ts';
import { signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: false });
});
afterAll(() => t.close());

const form = (body: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(body).toString(),
});

describe('/admin/jobs', () => {
  it('lists jobs with their state and report, and runs a job now for administrators only', async () => {
    const queue = new JobRepository(t.container.database);
    const now = new Date('2026-11-27T09:00:00.000Z');
    const done = await queue.enqueue({ kind: 'digests', maxAttempts: 5 }, now);
    await queue.claim('w1', ['digests'], 60_000, now);
    await queue.complete(done.id, 'w1', { status: 'success', sent: 12, empty: 3 }, now);
    const failing = await queue.enqueue({ kind: 'arxiv-poll', maxAttempts: 6 }, now);
    await queue.claim('w1', ['arxiv-poll'], 60_000, now);
    await queue.fail(
      failing.id,
      'w1',
      { error: 'arXiv API: HTTP 503 <busy>', retryAt: new Date('2026-11-27T09:02:00.000Z') },
      now,
    );
    await queue.ensureSchedule('digests', now, new Date('2026-11-27T09:10:00.000Z'));

    const user = await signInAs(t, { email: 'reader@example.org' });
    expect((await user.inject({ method: 'GET', url: '/admin/jobs' })).statusCode).toBe(403);
    const moderator = await signInAs(t, { email: 'mod@example.org', role: 'moderator' });
    expect((await moderator.inject({ method: 'GET', url: '/admin/jobs' })).statusCode).toBe(403);
    expect(
      (await moderator.inject({ method: 'POST', url: '/admin/jobs/run', ...form({ kind: 'digests' }) }))
        .statusCode,
    ).toBe(403);

    const admin = await signInAs(t, { email: 'admin@example.org', role: 'admin' });
    const page = await admin.inject({ method: 'GET', url: '/admin/jobs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toContain('<a href="/admin/jobs" aria-current="page">Jobs</a>');
    const row = (id: number) => new RegExp(`<tr id="job-${id}">(.*?)</tr>`, 's').exec(page.body)?.[1] ?? '';
    expect(row(done.id)).toContain('<span class="job-state job-done">done</span>');
    expect(row(done.id)).toContain('1/5');
    expect(row(done.id)).toContain('success</span><span> · sent 12 · empty 3');
    expect(row(failing.id)).toContain('<span class="job-state job-queued">queued</span>');
    // The error is text, escaped, with when the job is tried again.
    expect(row(failing.id)).toContain('error: arXiv API: HTTP 503 &lt;busy>');
    expect(row(failing.id)).toContain('next try 2026-11-27 09:02:00 UTC');
    expect(page.body).toMatch(/<td>digests<\/td><td>2026-11-27 09:00:00 UTC<\/td>/);
    // Embeddings are off in this app: they cannot be run from here.
    expect(page.body).toContain('<option value="digests">digests</option>');
    expect(page.body).not.toContain('<option value="embed-papers">');

    const run = await admin.inject({ method: 'POST', url: '/admin/jobs/run', ...form({ kind: 'digests' }) });
    expect(run.statusCode).toBe(303);
    const id = Number(/queued=(\d+)/.exec(run.headers.location as string)?.[1]);
    expect(await queue.get(id)).toMatchObject({ kind: 'digests', state: 'queued', payload: '{}' });
    const after = await admin.inject({ method: 'GET', url: run.headers.location as string });
    expect(after.body).toContain(`Job ${id} is queued for the next free worker.`);

    const poll = await admin.inject({
      method: 'POST',
      url: '/admin/jobs/run',
      ...form({ kind: 'arxiv-poll' }),
    });
    const pollId = Number(/queued=(\d+)/.exec(poll.headers.location as string)?.[1]);
    expect((await queue.get(pollId))?.payload).toBe('{"force":true}');

    const refused = await admin.inject({
      method: 'POST',
      url: '/admin/jobs/run',
      ...form({ kind: 'embed-papers' }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('&quot;embed-papers&quot; is not a job that runs here');
    expect((await queue.recent({ limit: 10 })).map((j) => j.kind)).toEqual([
      'arxiv-poll',
      'digests',
      'arxiv-poll',
      'digests',
    ]);
  });

  it('refuses a run without the CSRF token', async () => {
    const admin = await signInAs(t, { email: 'admin2@example.org', role: 'admin' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/jobs/run',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'kind=digests',
    });
    expect(res.statusCode).toBe(403);
  });
});
