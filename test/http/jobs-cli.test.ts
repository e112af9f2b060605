// `paperboy serve --no-jobs`, `paperboy worker` and `paperboy jobs` as real processes on one SQLite
// database: the web node runs no jobs and fires no schedules; the worker does both; `jobs run`
// enqueues (and with --wait reports) a run; bad input gets a clear message.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, exitOf, runCli, startServer } from '../helpers/cli.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-jobs-cli-'));
  dirs.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('paperboy jobs', () => {
  it('refuses an unknown kind and a kind that is switched off, naming what is allowed', async () => {
    const env = { PAPERBOY_DATA_DIR: tempDir() };
    const unknown = await runCli(['jobs', 'run', 'reindex'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown job kind; the kinds are arxiv-poll, embed-papers, digests');
    const off = await runCli(['jobs', 'run', 'embed-papers'], env);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('embeddings are off (EMBEDDINGS=off)');
    const badLimit = await runCli(['jobs', 'list', '--limit', 'lots'], env);
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toContain('must be a whole number from 1 to 10000');
    const empty = await runCli(['jobs', 'list'], env);
    expect(empty.stderr).toBe('');
    expect(empty.stdout).toBe('No jobs.\n');
  });

  it('a --no-jobs web node leaves the queue alone; a worker fires the schedules and runs the jobs', async () => {
    const dir = tempDir();
    const env = { PAPERBOY_DATA_DIR: dir, WORKER_POLL_MS: '100', LOG_LEVEL: 'info' };
    const web = await startServer({ ...env, PORT: String(await freePort()), HOST: '127.0.0.1' }, [
      '--no-jobs',
    ]);
    children.push(web.child);
    // Without --no-jobs the digest schedule would have fired at start; give it time to show.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await runCli(['jobs', 'list'], env)).stdout).toBe('No jobs.\n');
    const enqueued = await runCli(['jobs', 'run', 'digests'], env);
    expect(enqueued.stdout).toMatch(/^\d+\n$/);
    await new Promise((r) => setTimeout(r, 1000));
    const waiting = await runCli(['jobs', 'list'], env);
    expect(waiting.stdout).toMatch(/^#1 +digests +queued +0\/5 +created \S+$/m);
    expect(web.output()).toContain('background jobs are off on this node (--no-jobs)');

    const workerEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const name of ['BASE_URL', 'PORT', 'HOST', 'DATABASE_URL', 'PAPERBOY_DEMO']) delete workerEnv[name];
    const worker = spawn(process.execPath, [BIN, 'worker'], { env: workerEnv, stdio: 'pipe' });
    children.push(worker);
    let out = '';
    worker.stdout.on('data', (d: Buffer) => (out += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const ran = await Promise.race([
      runCli(['jobs', 'run', 'digests', '--wait'], env),
      exitOf(worker).then((code) => {
        throw new Error(`the worker exited with ${code}: ${out}`);
      }),
    ]);
    expect(ran.code, out).toBe(0);
    expect(ran.stdout).toMatch(/^\d+\n#\d+ +digests +done +1\/5 +created .* report \{"status":"success"/);

    const list = await runCli(['jobs', 'list'], env);
    // The queued job, the schedule's first run and the one run with --wait: all done by the worker.
    expect(list.stdout.match(/ digests +done /g)).toHaveLength(3);
    expect(list.stdout).toMatch(/Schedules:\n {2}digests +next \S+ {2}last \S+/);

    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toBe(0);
    expect(out).toContain('stopped cleanly');
    web.child.kill('SIGTERM');
    expect(await exitOf(web.child)).toBe(0);
  }, 120_000);
});
