// `paperboy user create|list` through the real command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { testDatabaseEnv } from '../helpers/test-app.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-user-cli-'));
const env: Record<string, string> = { PAPERBOY_DATA_DIR: dir, PAPERBOY_DEMO: 'off' };
let dropDatabase = async () => {};
// On the run's backend: a database of the PostgreSQL test cluster in the http-pg project.
beforeAll(async () => {
  const database = await testDatabaseEnv();
  Object.assign(env, database.env);
  dropDatabase = database.drop;
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await dropDatabase();
});

describe('paperboy user', () => {
  it('creates, promotes idempotently, and lists accounts', async () => {
    const empty = await runCli(['user', 'list'], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No accounts yet');

    const created = await runCli(
      ['user', 'create', '--moderator', 'Ada@Example.org', '--handle', 'ada'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toBe('Created ada@example.org (@ada, moderator).');

    const again = await runCli(['user', 'create', '--moderator', 'ada@example.org'], env);
    expect(again.stdout.trim()).toBe('Unchanged: ada@example.org (@ada, moderator) already exists.');

    const promoted = await runCli(['user', 'create', '--admin', 'ada@example.org'], env);
    expect(promoted.stdout.trim()).toBe('Updated ada@example.org (@ada, admin): role moderator → admin.');

    // Asking for a lower role never demotes.
    const lower = await runCli(['user', 'create', '--moderator', 'ada@example.org'], env);
    expect(lower.stdout).toContain('Unchanged');

    await runCli(['user', 'create', 'grace@example.org'], env);
    const list = await runCli(['user', 'list'], env);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^1\s+@ada\s+admin\s+ada@example\.org\s+\d{4}-\d{2}-\d{2}$/);
    expect(lines[1]).toMatch(/^2\s+@grace\s+user\s+grace@example\.org/);
  }, 120_000);

  it('refuses bad input with a clear message and exit code 2', async () => {
    const reserved = await runCli(['user', 'create', 'x@example.org', '--handle', 'admin'], env);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('reserved');
    const taken = await runCli(['user', 'create', 'y@example.org', '--handle', 'ada'], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('taken');
    const bad = await runCli(['user', 'create', 'not-an-email'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('email address');
    const both = await runCli(['user', 'create', '--admin', '--moderator', 'z@example.org'], env);
    expect(both.code).toBe(2);
  }, 120_000);
});
