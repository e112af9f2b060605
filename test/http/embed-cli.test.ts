// `paperboy embed` and `paperboy serve` with embeddings, as real child processes talking to a real
// embedding server on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitOf, runCli, startServer } from '../helpers/cli.ts';
import type { FakeEmbeddingServer } from '../helpers/fake-embedding-server.ts';
import { startFakeEmbeddingServer } from '../helpers/fake-embedding-server.ts';
import { testDatabaseEnv } from '../helpers/test-app.ts';

let server: FakeEmbeddingServer;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startFakeEmbeddingServer();
});
afterAll(async () => {
  await server.close();
});
const databases: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  for (const drop of databases.splice(0)) await drop();
});

/** The run's backend for one test: on PostgreSQL (http-pg) a database with the demo papers. */
async function demoDatabase(): Promise<Record<string, string>> {
  const database = await testDatabaseEnv({ demo: true });
  databases.push(database.drop);
  return database.env;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-embed-'));
  dirs.push(dir);
  return dir;
}

const embeddings = () => ({ EMBEDDINGS: 'openai', EMBEDDINGS_URL: server.url, EMBEDDINGS_MODEL: 'toy' });

describe('paperboy embed', () => {
  it('says how to turn embeddings on when they are off', async () => {
    const r = await runCli(['embed'], {
      PAPERBOY_DATA_DIR: tempDir(),
      EMBEDDINGS: 'off',
      LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('embeddings are off. Set EMBEDDINGS=local or EMBEDDINGS=openai');
  });

  it('embeds the papers once and reports, then finds nothing left to do', async () => {
    const env = {
      PAPERBOY_DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      ...embeddings(),
      ...(await demoDatabase()),
    };
    expect((await runCli(['seed', '--demo'], env)).code).toBe(0);
    const first = await runCli(['embed'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/success: 1\d{3} embedded, 0 failed, 0 unchanged/);
    const again = await runCli(['embed'], env);
    expect(again.stdout).toContain('success: 0 embedded');
  });

  it('reports a missing local model and fails', async () => {
    const dir = tempDir();
    const r = await runCli(['embed'], {
      PAPERBOY_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      EMBEDDINGS: 'local',
      EMBEDDINGS_MODEL: 'org/absent-model',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('skipped');
    expect(r.stdout).toContain(path.join(dir, 'models', 'org/absent-model'));
  });
});

describe('paperboy serve with embeddings', () => {
  it('embeds in the background, answers hybrid searches and stops cleanly', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, output } = await startServer({
      PAPERBOY_DATA_DIR: tempDir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SEARCH_SEMANTIC_BUDGET_MS: '10000',
      ...embeddings(),
      ...(await demoDatabase()),
    });
    const deadline = Date.now() + 60_000;
    while (!output().includes('embedded papers') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output()).toContain('hybrid search on');
    const res = await fetch(`http://127.0.0.1:${port}/api/papers/search?q=siamese+minibatch&limit=3`);
    const body = (await res.json()) as { paper: { id: string } }[];
    expect(body[0]?.paper.id).toBe('2410.17243');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(output()).toContain('stopped cleanly');
  });
});
