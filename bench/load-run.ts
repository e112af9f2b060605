// The load-and-fault test (issue 8, item 5), given an empty PostgreSQL database: demo data, users
// with API tokens and confirmed digest subscribers are created up front; two web nodes
// (`paperboy serve --no-jobs`) and two workers (`paperboy worker`) run as child processes beside an
// SMTP sink and the recorded-arXiv replay server; virtual users browse, search, vote and comment
// through a round-robin balancer while an arXiv poll and a digest run go through the job queue.
// While the digest run is sending (the sink holds a message), the worker running it and one web
// node are killed with SIGKILL and started again. Then: every acknowledged vote and comment is
// stored, no subscriber got their digest twice, and every job ended done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startArxivApiServer } from '../test/helpers/arxiv-api-server.ts';
import { startSmtpSink } from '../test/helpers/smtp-sink.ts';
import type { SmtpSink } from '../test/helpers/smtp-sink.ts';
import type { Check, JobState, PaperCounts } from './load-checks.ts';
import {
  checkComments,
  checkDigests,
  checkFreshness,
  checkJobs,
  checkVotes,
  voteKey,
} from './load-checks.ts';
import { LoadCluster } from './load-cluster.ts';
import { faultScript, sleep } from './load-fault-plan.ts';
import { freePorts, LEASE_SECONDS, prepare, replayPoll, SECRET_KEY } from './load-setup.ts';
import type { LoadPlan, LoadRecord } from './load-users.ts';
import { Balancer, emptyRecord, REQUEST_TIMEOUT_MS, runUsers } from './load-users.ts';

export interface LoadOptions {
  /** An empty PostgreSQL database (UTF8, C collation) that the run may fill. */
  databaseUrl: string;
  users: number;
  seconds: number;
  subscribers: number;
  /** Longest think time between two requests of one user. */
  thinkMs?: number;
  /** false: no votes or comments (default true). */
  writes?: boolean;
  /** The web nodes' PAGE_CACHE_STALE_MS (default 0: every write empties the page caches). */
  pageCacheStaleMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface FaultEvent {
  atSeconds: number;
  what: string;
}

export interface LoadResult {
  record: LoadRecord;
  elapsedSeconds: number;
  checks: Check[];
  faults: FaultEvent[];
  /** Jobs as they ended. */
  jobs: JobState[];
  newPapers: number;
}

async function jobStates(client: pg.Client): Promise<JobState[]> {
  const { rows } = await client.query<JobState>(
    `SELECT id, kind, state, attempts, lease_expires_at AS "leaseExpiresAt", last_error AS "lastError"
       FROM jobs ORDER BY id`,
  );
  return rows;
}

/** Waits until no job is queued or running (leases of killed workers expire meanwhile). */
async function jobsSettled(client: pg.Client, timeoutMs: number): Promise<JobState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await jobStates(client);
    if (jobs.every((j) => j.state !== 'queued' && j.state !== 'running') || Date.now() > deadline)
      return jobs;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runLoadFault(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-load-'));
  const sink = await startSmtpSink({ holdMs: 20 });
  const arxiv = await startArxivApiServer(replayPoll);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    PAPERBOY_DEMO: 'off',
    SECRET_KEY,
    EMBEDDINGS: 'off',
    RATE_LIMIT_WRITES: '1000000',
    SMTP_URL: sink.url,
    MAIL_RETRY_DELAY_MS: '50',
    ARXIV_API_URL: arxiv.url,
    ARXIV_API_INTERVAL_MS: '0',
    ARXIV_CATEGORIES: 'cs.CL',
    ARXIV_POLL: 'off',
    DIGEST_CHECK_MINUTES: '0', // only the run this test enqueues sends, so the kill can catch it
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    WORKER_POLL_MS: '200',
    PAGE_CACHE_STALE_MS: String(options.pageCacheStaleMs ?? 0),
  };
  const cluster = new LoadCluster(env, root);
  try {
    log(`preparing: demo data, ${options.users} users with API tokens, ${options.subscribers} subscribers`);
    const prepared = await prepare(options, env, path.join(root, 'prepare'));
    const papersBefore = await countPapers(client);
    log('starting 2 web nodes (serve --no-jobs) and 2 workers');
    const ports = await freePorts(2);
    const [web1, web2, worker1, worker2] = await Promise.all([
      cluster.start('web-1', 'web', ports[0]!),
      cluster.start('web-2', 'web', ports[1]!),
      cluster.start('worker-1', 'worker'),
      cluster.start('worker-2', 'worker'),
    ]);
    const balancer = new Balancer([web1!.url!, web2!.url!]);
    const plan: LoadPlan = {
      ...prepared.plan,
      users: prepared.users,
      thinkMs: options.thinkMs ?? 100,
      writes: options.writes ?? true,
      timeoutMs: REQUEST_TIMEOUT_MS,
    };
    const record = emptyRecord();
    const faults: FaultEvent[] = [];
    const started = performance.now();
    const at = () => Math.round((performance.now() - started) / 100) / 10;
    const enqueued: number[] = [];

    log(`${options.users} users for ${options.seconds} s`);
    const fault = faultScript({
      seconds: options.seconds,
      cluster,
      client,
      sink,
      web: web1!,
      workers: [worker1!, worker2!],
      enqueue: async (kind) => {
        const id = await cluster.enqueue(kind);
        enqueued.push(id);
        faults.push({ atSeconds: at(), what: `enqueued ${kind} (job ${id})` });
      },
      note: (what) => {
        faults.push({ atSeconds: at(), what });
        log(`${at()} s: ${what}`);
      },
    });
    // The load goes on for `seconds`, and at least until a few seconds after the killed nodes are back.
    const stop = Promise.all([sleep(options.seconds * 1000), fault.then(() => sleep(3000))]);
    const load = runUsers(plan, balancer, stop, record);
    const [{ elapsedSeconds }] = await Promise.all([load, stop]);
    log('load over; waiting for the jobs to finish');
    const jobs = await jobsSettled(client, LEASE_SECONDS * 1000 + 60_000);
    const newPapers = (await countPapers(client)) - papersBefore;
    const checks = await runChecks(client, record, sink, prepared.subscribers, jobs, enqueued);
    // Pages may lag the data by the cache window; after it, none may.
    await sleep((options.pageCacheStaleMs ?? 0) + 100);
    checks.push(await freshness(client, record, balancer.nodes));
    checks.push({
      name: 'ingestion stored papers',
      ok: newPapers > 0,
      detail: `${newPapers} new papers from the replayed arXiv poll`,
    });
    return { record, elapsedSeconds, checks, faults, jobs, newPapers };
  } catch (err) {
    for (const n of cluster.nodes) log(`--- ${n.name} output ---\n${n.output()}`);
    throw err;
  } finally {
    await cluster.stop();
    await client.end();
    await sink.close();
    await arxiv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Asks every web node, anonymously (through its page cache), for the papers written to during the
 * run, twice each so the second answer is a cached one, and compares both with the database.
 */
async function freshness(client: pg.Client, record: LoadRecord, nodes: readonly string[]): Promise<Check> {
  const written = [
    ...new Set([...record.votes.map((v) => v.paperId), ...record.comments.map((c) => c.paperId)]),
  ];
  const ids = written.slice(0, 40);
  const { rows } = await client.query<{ id: string } & PaperCounts>(
    `SELECT id, upvotes, comment_count AS comments FROM papers WHERE id = ANY($1::text[])`,
    [ids],
  );
  const truth = new Map(
    rows.map((r) => [r.id, { upvotes: Number(r.upvotes), comments: Number(r.comments) }]),
  );
  const observed: ({ node: string; paperId: string } & PaperCounts)[] = [];
  for (const node of nodes) {
    for (const paperId of ids) {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${node}/api/papers/${paperId}`);
        const body = (await res.json()) as { upvotes: number; numComments: number };
        observed.push({ node, paperId, upvotes: body.upvotes, comments: body.numComments });
      }
    }
  }
  return checkFreshness(observed, truth);
}

async function countPapers(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM papers');
  return Number(rows[0]!.n);
}

async function runChecks(
  client: pg.Client,
  record: LoadRecord,
  sink: SmtpSink,
  subscribers: string[],
  jobs: JobState[],
  enqueued: number[],
): Promise<Check[]> {
  const userIds = [
    ...new Set(record.votes.map((v) => v.userId).concat(record.comments.map((c) => c.userId))),
  ];
  const votes = await client.query<{ userId: number; paperId: string }>(
    `SELECT user_id AS "userId", paper_id AS "paperId" FROM votes WHERE user_id = ANY($1::int[])`,
    [userIds],
  );
  const comments = await client.query<{ userId: number; paperId: string; body: string }>(
    `SELECT user_id AS "userId", paper_id AS "paperId", body FROM comments WHERE user_id = ANY($1::int[])`,
    [userIds],
  );
  const mail = sink.messages.map((m) => ({
    to: m.to,
    messageId: m.messageId,
    subject: m.parsed.subject ?? '',
  }));
  return [
    checkVotes(record.votes, new Set(votes.rows.map((v) => voteKey(v.userId, v.paperId)))),
    checkComments(record.comments, comments.rows),
    checkDigests(mail, subscribers),
    checkJobs(jobs, enqueued, new Date()),
  ];
}
