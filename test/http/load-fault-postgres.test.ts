// The load-and-fault test (bench/load-run.ts, `npm run loadtest`): its checks on their own, and a
// small real run on the test cluster (20 users for 10 s, or until the killed nodes are back; two
// web nodes and two workers as child processes, one of each killed with SIGKILL and restarted) so
// CI proves the whole thing keeps working.
import { describe, expect, it } from 'vitest';
import {
  checkComments,
  checkDigests,
  checkFreshness,
  checkJobs,
  checkVotes,
  voteKey,
} from '../../bench/load-checks.ts';
import type { JobState } from '../../bench/load-checks.ts';
import {
  markdown,
  quantile,
  SECTION_END,
  SECTION_START,
  sectionOf,
  withSection,
} from '../../bench/load-report.ts';
import { runLoadFault } from '../../bench/load-run.ts';
import { Balancer, failureKind } from '../../bench/load-users.ts';
import { describeBackend } from '../helpers/backends.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

describe('load test checks', () => {
  const vote = (userId: number, paperId: string, upvote: boolean, acknowledged = true) => ({
    userId,
    paperId,
    upvote,
    acknowledged,
  });

  it('holds every user-paper pair to its last acknowledged vote', () => {
    const attempts = [vote(1, 'a', true), vote(1, 'a', false), vote(1, 'b', true), vote(2, 'a', true)];
    expect(checkVotes(attempts, new Set([voteKey(1, 'b'), voteKey(2, 'a')])).ok).toBe(true);
    const lost = checkVotes(attempts, new Set([voteKey(1, 'b')]));
    expect(lost.ok).toBe(false);
    expect(lost.detail).toContain('2:a acknowledged on');
    // Taken back (acknowledged), yet still stored:
    expect(checkVotes(attempts, new Set([voteKey(1, 'a'), voteKey(1, 'b'), voteKey(2, 'a')])).ok).toBe(false);
    // An unanswered last request may or may not have been committed: either state passes.
    const unanswered = [vote(3, 'c', true), vote(3, 'c', false, false)];
    expect(checkVotes(unanswered, new Set([voteKey(3, 'c')])).ok).toBe(true);
    expect(checkVotes(unanswered, new Set()).ok).toBe(true);
  });

  it('finds acknowledged comments that are missing or on another paper', () => {
    const acked = [{ userId: 1, paperId: 'a', text: 'one' }];
    expect(checkComments(acked, [{ userId: 1, paperId: 'a', body: 'one' }]).ok).toBe(true);
    expect(checkComments(acked, [{ userId: 1, paperId: 'b', body: 'one' }]).ok).toBe(false);
    expect(checkComments(acked, []).detail).toContain('1 of 1 acknowledged comments are missing');
  });

  it('fails a digest received twice, by Message-ID or as a second composition, and one never received', () => {
    const mail = (to: string, messageId: string, subject = 'Papers of 26 Nov') => ({
      to: [to],
      messageId,
      subject,
    });
    const subscribers = ['a@x.org', 'b@x.org'];
    expect(checkDigests([mail('a@x.org', '1'), mail('b@x.org', '2')], subscribers).ok).toBe(true);
    const resent = checkDigests(
      [mail('a@x.org', '1'), mail('a@x.org', '1'), mail('b@x.org', '2')],
      subscribers,
    );
    expect(resent.ok).toBe(false);
    expect(resent.detail).toContain('a@x.org 1 ×2');
    expect(
      checkDigests([mail('a@x.org', '1'), mail('a@x.org', '3'), mail('b@x.org', '2')], subscribers).ok,
    ).toBe(false);
    expect(checkDigests([mail('a@x.org', '1')], subscribers).detail).toContain('1 subscribers got nothing');
  });

  it('counts a job lost when it is gone, unfinished, failed or running under an expired lease', () => {
    const now = new Date('2026-11-27T10:00:00.000Z');
    const job = (id: number, state: string, leaseExpiresAt: string | null = null): JobState => ({
      id,
      kind: 'digests',
      state,
      attempts: 1,
      leaseExpiresAt,
      lastError: null,
    });
    expect(checkJobs([job(1, 'done'), job(2, 'done')], [1, 2], now).ok).toBe(true);
    expect(checkJobs([job(1, 'done')], [1, 2], now).detail).toContain('job 2 is gone');
    expect(checkJobs([job(1, 'failed')], [1], now).ok).toBe(false);
    expect(checkJobs([job(1, 'queued')], [1], now).ok).toBe(false);
    expect(checkJobs([job(1, 'running', '2026-11-27T09:59:00.000Z')], [1], now).detail).toContain(
      'under an expired lease',
    );
  });

  it('fails a node that answers with counts older than the database', () => {
    const truth = new Map([['a', { upvotes: 3, comments: 1 }]]);
    const seen = (node: string, upvotes: number, comments: number) => ({
      node,
      paperId: 'a',
      upvotes,
      comments,
    });
    expect(checkFreshness([seen('n1', 3, 1), seen('n2', 3, 1)], truth).ok).toBe(true);
    const stale = checkFreshness([seen('n1', 3, 1), seen('n2', 3, 0)], truth);
    expect(stale.ok).toBe(false);
    expect(stale.detail).toContain('n2 a: 3 upvotes, 0 comments (database: 3, 1)');
    expect(checkFreshness([], truth).ok).toBe(false); // nothing compared proves nothing
  });

  it('sends requests round-robin and resends only where a proxy would', () => {
    const b = new Balancer(['http://a', 'http://b']);
    expect([b.order(), b.order(), b.order()]).toEqual([
      ['http://a', 'http://b'],
      ['http://b', 'http://a'],
      ['http://a', 'http://b'],
    ]);
    expect(failureKind(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe('refused');
    expect(failureKind(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe('broken');
    expect(failureKind(new DOMException('timed out', 'TimeoutError'))).toBe('timeout');
  });

  it('reports quantiles and replaces its own section of the benchmarks document only', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([], 0.5)).toBe(0);
    const doc = `# Benchmarks\n\n## Search\n\ntext\n`;
    const once = withSection(doc, `${SECTION_START}\nfirst\n${SECTION_END}\n`);
    const twice = withSection(once, `${SECTION_START}\nsecond\n${SECTION_END}\n`);
    expect(twice).toContain('## Search\n\ntext');
    expect(twice).toContain('second');
    expect(twice).not.toContain('first');
    // `npm run bench` rewrites the document and carries the section over.
    expect(sectionOf(twice)).toBe(`${SECTION_START}\nsecond\n${SECTION_END}\n`);
    expect(withSection('# Benchmarks\n\n## Feed\n', sectionOf(twice))).toContain(
      `## Feed\n\n${SECTION_START}`,
    );
    expect(sectionOf(doc)).toBe('');
  });
});

describeBackend('postgres', 'load and fault test', () => {
  it(
    'keeps every acknowledged write, sends each digest once and loses no job through kill -9',
    { timeout: 180_000 },
    async () => {
      const database = await createTestDatabase();
      try {
        const lines: string[] = [];
        const result = await runLoadFault({
          databaseUrl: database.url,
          users: 20,
          seconds: 10,
          subscribers: 20,
          log: (line) => lines.push(line),
        });
        const report = markdown(result, { users: 20, thinkMs: 100 });
        expect(
          result.checks.filter((c) => !c.ok),
          report,
        ).toEqual([]);
        expect(result.checks.map((c) => c.name)).toEqual([
          'acknowledged votes stored',
          'acknowledged comments stored',
          'each digest sent once',
          'no job lost',
          'no stale page on any node',
          'ingestion stored papers',
        ]);
        expect(
          result.faults.some((f) => f.what.startsWith('kill -9 worker-')),
          report,
        ).toBe(true);
        expect(
          result.faults.some((f) => / restarted$/.test(f.what)),
          report,
        ).toBe(true);
        // The writes happened, and the dead web node's share went to the other one.
        expect(result.record.votes.some((v) => v.acknowledged)).toBe(true);
        expect(result.record.comments.length).toBeGreaterThan(0);
        const stats = Object.values(result.record.stats);
        expect(
          stats.reduce((n, s) => n + s.retried, 0),
          report,
        ).toBeGreaterThan(0);
        expect(result.jobs.map((j) => j.kind).sort()).toEqual(['arxiv-poll', 'digests']);
      } finally {
        await database.drop();
      }
    },
  );
});
