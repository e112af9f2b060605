// The job handlers' own rules: payload checks, what a run by hand does, what is stored of a report,
// and which outcomes count as failed attempts (the queue then retries them).
import { describe, expect, it } from 'vitest';
import type { ArxivPoller, PollReport } from '../ingest/arxiv-poller.ts';
import type { DigestJob, DigestReport } from './digest-job.ts';
import { arxivPollHandler, digestsHandler, embedPapersHandler } from './job-kinds.ts';
import type { JobLog } from './job-kinds.ts';

const quiet: JobLog = { debug() {}, info() {}, warn() {}, error() {} };
const signal = new AbortController().signal;

const digestReport = (extra: Partial<DigestReport> = {}): DigestReport => ({
  status: 'success',
  sent: 2,
  empty: 0,
  resent: 0,
  deferred: 0,
  failed: 0,
  paused: 0,
  planned: [{ to: 'a@example.org', subject: 's', papers: 3, digestKey: 'daily:2026-11-26', resend: false }],
  ...extra,
});

describe('job handlers', () => {
  it('digests: stores counts without the recipients, and retries a run that found the lease held', async () => {
    let next = digestReport();
    const handler = digestsHandler({ run: async () => next } as unknown as DigestJob, quiet);
    const done = await handler.run(handler.parse({}), signal);
    expect(done.status).toBe('success');
    expect(handler.summarize(done)).toEqual({
      status: 'success',
      sent: 2,
      empty: 0,
      resent: 0,
      deferred: 0,
      failed: 0,
      paused: 0,
    });
    next = digestReport({
      status: 'skipped',
      reason: 'another digest run is in progress (pid 7 on b)',
      heldBy: 'pid 7 on b',
    });
    expect(await handler.run({}, signal)).toMatchObject({ status: 'failed', heldBy: 'pid 7 on b' });
    next = digestReport({ status: 'skipped', reason: 'stopped' });
    expect((await handler.run({}, signal)).status).toBe('skipped');
    expect(() => handler.parse('x')).toThrow('payload must be a JSON object, not "x"');
  });

  it('arxiv-poll: polls only when due, unless run by hand with force', async () => {
    const calls: string[] = [];
    const report = { status: 'success' } as PollReport;
    const poller = {
      runIfDue: async () => (calls.push('runIfDue'), report),
      pollOnce: async () => (calls.push('pollOnce'), report),
    } as unknown as ArxivPoller;
    const handler = arxivPollHandler(poller, quiet);
    await handler.run(handler.parse({}), signal);
    await handler.run(handler.parse({ force: true }), signal);
    expect(calls).toEqual(['runIfDue', 'pollOnce']);
    expect(() => handler.parse({ force: 'yes' })).toThrow('payload.force must be true or false, not "yes"');
  });

  it('embed-papers: says why nothing happens when embeddings are off', async () => {
    const handler = embedPapersHandler(null, quiet);
    expect(await handler.run(handler.parse({}), signal)).toEqual({
      status: 'skipped',
      reason: 'embeddings are off on this worker (EMBEDDINGS)',
    });
  });
});
