// `paperboy digest send` as a real child process against a real SMTP server on loopback: previews,
// sends, and the crash test (SIGKILL mid-run, run again: every subscriber has exactly one copy).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { DeliveryRepository } from '../db/repositories/delivery-repository.ts';
import { SubscriptionRepository } from '../db/repositories/subscription-repository.ts';
import { isoWeekOf } from '../domain/periods.ts';
import { createContainer } from '../main/container.ts';
import { BIN, exitOf, runCli, startServer } from '../../test/helpers/cli.ts';
import { startSmtpSink } from '../../test/helpers/smtp-sink.ts';
import type { SmtpSink } from '../../test/helpers/smtp-sink.ts';
import { DEMO_NOW } from '../../test/helpers/test-app.ts';

const SUBSCRIBERS = 300;
const BASE_URL = 'http://paperboy.test';
const dirs: string[] = [];
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A data dir with the demo papers and `n` confirmed daily subscribers; returns the digest day. */
async function prepare(n: number): Promise<{ dir: string; day: string; emails: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-digest-'));
  dirs.push(dir);
  const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dir, BASE_URL }));
  try {
    await container.seeder.seedDemo(DEMO_NOW);
    const repo = new SubscriptionRepository(container.database);
    const emails: string[] = [];
    for (let i = 0; i < n; i++) {
      const email = `subscriber${i}@example.org`;
      emails.push(email);
      await repo.create({
        email,
        userId: null,
        kind: 'daily',
        query: null,
        deliverHour: i % 24,
        timeZone: ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'][i % 4]!,
        confirmedAt: '2026-01-01T00:00:00.000Z',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    }
    return { dir, day: (await container.feeds.latestDay())!, emails };
  } finally {
    await container.close();
  }
}

function env(dir: string): Record<string, string> {
  return {
    PAPERBOY_DATA_DIR: dir,
    BASE_URL,
    SMTP_URL: sink.url,
    LOG_LEVEL: 'warn',
    MAIL_RETRY_DELAY_MS: '5',
  };
}

async function deliveriesOf(dir: string) {
  const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dir, BASE_URL }));
  try {
    return await new DeliveryRepository(container.database).recent(10_000);
  } finally {
    await container.close();
  }
}

describe('paperboy digest send', () => {
  it('previews with --dry-run, sends with --to, and never twice', async () => {
    const { dir, day, emails } = await prepare(3);
    sink.messages.length = 0;
    const dry = await runCli(['digest', 'send', '--dry-run', '--date', day], env(dir));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `would send  subscriber0@example\\.org  paperboy daily — \\d+ papers for .+ \\(\\d+ papers, daily:${day}\\)`,
      ),
    );
    expect(dry.stdout).toContain('Dry run: 3 messages would go through smtp 127.0.0.1');
    expect(sink.messages).toHaveLength(0);
    expect(await deliveriesOf(dir)).toEqual([]);

    const one = await runCli(['digest', 'send', '--to', emails[1]!, '--date', day], env(dir));
    expect(one.stdout).toContain('Sent 1 through smtp');
    expect(sink.messages.map((m) => m.to)).toEqual([[emails[1]]]);

    const all = await runCli(['digest', 'send', '--date', day], env(dir));
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Sent 2 through smtp');
    const again = await runCli(['digest', 'send', '--date', day], env(dir));
    expect(again.stdout).toContain('Sent 0 through smtp');
    expect(sink.messages).toHaveLength(3);

    const bad = await runCli(['digest', 'send', '--date', '2026-13-40'], env(dir));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--date "2026-13-40" is not a day (YYYY-MM-DD)');
  });

  it(`killed with SIGKILL mid-run and run again, every one of ${SUBSCRIBERS} subscribers gets exactly one copy`, async () => {
    const { dir, day, emails } = await prepare(SUBSCRIBERS);
    sink.messages.length = 0;
    sink.holdMs = 15;
    const killAt = 100 + Math.floor(Math.random() * 100);
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env(dir) };
    delete childEnv.PORT;
    delete childEnv.DATABASE_URL;
    const child = spawn(process.execPath, [BIN, 'digest', 'send', '--date', day], {
      env: childEnv,
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // Kill while the server holds a message it has not accepted yet, some way into the run; the
    // server answers only once the client is gone (its connection closed), as after a real crash.
    sink.onHold = async (accepted) => {
      if (accepted < killAt) return;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, 100));
    };
    const exit = await exited;
    sink.onHold = null;
    expect(exit.signal, output).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200 + sink.holdMs));
    const before = sink.messages.length;
    expect(before).toBeGreaterThanOrEqual(killAt);
    expect(before).toBeLessThan(SUBSCRIBERS);
    const interrupted = await deliveriesOf(dir);
    expect(interrupted.filter((d) => d.status === 'pending')).toHaveLength(1);

    sink.holdMs = 1;
    const rerun = await runCli(['digest', 'send', '--date', day], env(dir));
    expect(rerun.code, rerun.stderr).toBe(0);
    // The pending message is among them: it was never accepted, so it is sent now, once.
    expect(rerun.stdout).toContain(`Sent ${SUBSCRIBERS - before} through smtp`);
    expect(rerun.stdout).toContain('(1 resent after an interrupted run)');

    const copies = new Map<string, number>();
    for (const m of sink.messages) for (const to of m.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    expect(emails.filter((e) => copies.get(e) !== 1)).toEqual([]);
    expect(sink.messages).toHaveLength(SUBSCRIBERS);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(SUBSCRIBERS);
    const settled = await deliveriesOf(dir);
    expect(settled.filter((d) => d.status === 'sent')).toHaveLength(SUBSCRIBERS);
  }, 120_000);

  it('paperboy serve sends the digests that are due on its own schedule', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-digest-serve-'));
    dirs.push(dir);
    const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dir, BASE_URL }));
    await new SubscriptionRepository(container.database).create({
      email: 'early-bird@example.org',
      userId: null,
      kind: 'weekly',
      query: null,
      // Monday midnight UTC has passed: last week's digest is due as soon as the server starts
      // (weekly, because the demo data has no papers on Saturdays, and yesterday may be one).
      deliverHour: 0,
      timeZone: 'UTC',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await container.close();
    sink.messages.length = 0;
    sink.holdMs = 0;
    const port = await freePort();
    const server = await startServer({ ...env(dir), PORT: String(port), HOST: '127.0.0.1' });
    try {
      await sink.waitFor(1, 60_000);
      const [mail] = sink.to('early-bird@example.org');
      expect(mail!.parsed.subject).toMatch(/^paperboy weekly — top \d+ of \d+ papers, /);
      const lastWeek = isoWeekOf(new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10));
      expect(mail!.messageId).toBe(`<weekly-${lastWeek}.s1@paperboy.test>`);
    } finally {
      server.child.kill('SIGTERM');
      expect(await exitOf(server.child)).toBe(0);
    }
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
