// Two `paperboy worker` processes on one PostgreSQL database share the job queue: a digest run
// enqueued with `paperboy jobs run digests` is claimed by one of them, which is killed with SIGKILL
// halfway through; once its lease expires the other worker takes the job over and finishes it, and
// every subscriber has exactly one copy at the SMTP server.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { JobRepository } from '../../src/db/repositories/job-repository.ts';
import { SubscriptionRepository } from '../../src/db/repositories/subscription-repository.ts';
import { createContainer } from '../../src/main/container.ts';
import { describeBackend } from '../helpers/backends.ts';
import { BIN, exitOf, runCli } from '../helpers/cli.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import type { SmtpSink } from '../helpers/smtp-sink.ts';

const SUBSCRIBERS = 120;
const BASE_URL = 'http://paperboy.test';
// Every node signs the links in its mails with the same key.
const SECRET_KEY = 'worker-test-secret-key-0123456789abcdef';

const dirs: string[] = [];
const children: ChildProcess[] = [];
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exitOf(c);
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-worker-pg-'));
  dirs.push(dir);
  return dir;
}

/** Demo papers and `n` weekly subscribers (last week's digest is due for all of them). */
async function prepare(url: string, n: number): Promise<string[]> {
  const env = { DATABASE_URL: url, PAPERBOY_DATA_DIR: tempDir(), BASE_URL, SECRET_KEY };
  const container = await createContainer(loadConfig(env));
  try {
    await container.seeder.seedDemo();
    const repo = new SubscriptionRepository(container.database);
    const emails: string[] = [];
    for (let i = 0; i < n; i++) {
      const email = `reader${i}@example.org`;
      emails.push(email);
      await repo.create({
        email,
        userId: null,
        kind: 'weekly',
        query: null,
        deliverHour: 0,
        timeZone: 'UTC',
        confirmedAt: '2026-01-01T00:00:00.000Z',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    }
    return emails;
  } finally {
    await container.close();
  }
}

function startWorker(
  url: string,
  extra: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    PAPERBOY_DATA_DIR: tempDir(),
    BASE_URL,
    SECRET_KEY,
    SMTP_URL: sink.url,
    LOG_LEVEL: 'info',
    JOB_LEASE_SECONDS: '2',
    WORKER_POLL_MS: '100',
    // Only the job enqueued by hand sends digests: no schedule competes with it.
    DIGEST_CHECK_MINUTES: '0',
    MAIL_RETRY_DELAY_MS: '5',
    ...extra,
  };
  delete env.PORT;
  const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'pipe' });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeBackend('postgres', 'paperboy worker', (backend) => {
  it(
    'two workers: the one running a digest job is killed with SIGKILL, the other finishes it, one mail each',
    { timeout: 180_000 },
    async () => {
      const target = await backend.emptyTarget();
      if (target.kind !== 'postgres') throw new Error('unreachable');
      const emails = await prepare(target.url, SUBSCRIBERS);
      const workers = [startWorker(target.url), startWorker(target.url)];
      for (const w of workers)
        await waitFor('a worker to start', async () => w.output().includes('running background jobs'));

      sink.messages.length = 0;
      sink.holdMs = 10;
      const killAt = 30 + Math.floor(Math.random() * 40);
      const database = await openDatabase({ kind: 'postgres', url: target.url });
      try {
        const queue = new JobRepository(database);
        let killed: ChildProcess | null = null;
        // Kill the worker that holds the job while the SMTP server holds a message it has not
        // accepted yet; the server answers once that client is gone, as after a real crash.
        sink.onHold = async (accepted) => {
          if (accepted < killAt || killed) return;
          const job = (await queue.recent({ limit: 1, kind: 'digests' }))[0];
          const pid = Number(job?.leaseOwner?.split(':')[1]);
          killed = workers.find((w) => w.child.pid === pid)?.child ?? null;
          if (!killed) throw new Error(`no worker holds the job: ${JSON.stringify(job)}`);
          killed.kill('SIGKILL');
          await exitOf(killed);
          await new Promise((r) => setTimeout(r, 100));
        };

        const run = await runCli(['jobs', 'run', 'digests'], {
          DATABASE_URL: target.url,
          PAPERBOY_DATA_DIR: tempDir(),
        });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const id = Number(run.stdout.trim());
        expect(Number.isInteger(id)).toBe(true);

        const finished = await waitFor('the job to finish', async () => {
          const job = await queue.get(id);
          return job?.state === 'done' || job?.state === 'failed' ? job : null;
        });
        sink.onHold = null;
        const survivor = workers.find((w) => w.child !== killed)!;
        expect(killed, 'a worker was killed mid-job').not.toBeNull();
        expect(finished.state, survivor.output()).toBe('done');
        expect(finished.attempts).toBe(2); // the killed claim and the survivor's
        expect(finished.leaseOwner).toBeNull();
        expect(finished.dedupeKey).toBeNull(); // enqueued by hand: no schedule slot
        const report = JSON.parse(finished.report!) as { status: string; sent: number; resent: number };
        expect(report.status).toBe('success');
        expect(report.resent).toBe(1); // the message the killed worker had in flight
        expect(survivor.output()).toMatch(/lost its worker: its worker stopped answering/);

        const copies = new Map<string, number>();
        for (const m of sink.messages) for (const to of m.to) copies.set(to, (copies.get(to) ?? 0) + 1);
        expect(emails.filter((e) => copies.get(e) !== 1)).toEqual([]);
        expect(sink.messages).toHaveLength(SUBSCRIBERS);
        expect(report.sent).toBe(SUBSCRIBERS - killAt);

        const list = await runCli(['jobs', 'list', '--kind', 'digests'], {
          DATABASE_URL: target.url,
          PAPERBOY_DATA_DIR: tempDir(),
        });
        expect(list.code).toBe(0);
        expect(list.stdout).toMatch(
          new RegExp(`^#${id} +digests +done +2/5 +created .*"sent":${report.sent}`, 'm'),
        );

        survivor.child.kill('SIGTERM');
        expect(await exitOf(survivor.child)).toBe(0);
      } finally {
        sink.onHold = null;
        await database.close();
      }
    },
  );

  it(
    'wakes an idle worker through NOTIFY when a job is enqueued elsewhere',
    { timeout: 120_000 },
    async () => {
      const target = await backend.emptyTarget();
      if (target.kind !== 'postgres') throw new Error('unreachable');
      // It looks at the queue once at start, then only once a minute unless woken.
      const worker = startWorker(target.url, { WORKER_POLL_MS: '60000' });
      await waitFor('the worker to start', async () => worker.output().includes('running background jobs'));
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const run = await runCli(['jobs', 'run', 'digests', '--wait'], {
        DATABASE_URL: target.url,
        PAPERBOY_DATA_DIR: tempDir(),
      });
      expect(run.code, worker.output()).toBe(0);
      expect(run.stdout).toMatch(/ digests +done +1\/5 /);
      expect(Date.now() - started).toBeLessThan(20_000);
      worker.child.kill('SIGTERM');
      expect(await exitOf(worker.child)).toBe(0);
    },
  );
});
