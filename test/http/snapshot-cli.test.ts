// `paperboy ingest snapshot` through the real command on the run's backend (SQLite in `unit`, a
// database of the PostgreSQL test cluster in `http-pg`): the 200 real records of the Kaggle
// snapshot's head are stored with all their authors, a second run knows the file, --restart
// leaves every paper unchanged, and the papers are found by search afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createContainer } from '../../src/main/container.ts';
import { runCli } from '../helpers/cli.ts';
import { testDatabaseEnv } from '../helpers/test-app.ts';

const SNAPSHOT = path.resolve(
  import.meta.dirname,
  '../../../shared/data/arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl',
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-snapshot-backend-'));
const env: Record<string, string> = { PAPERBOY_DATA_DIR: dir, PAPERBOY_DEMO: 'off' };
let dropDatabase = async () => {};
beforeAll(async () => {
  const database = await testDatabaseEnv();
  Object.assign(env, database.env);
  dropDatabase = database.drop;
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await dropDatabase();
});

describe('paperboy ingest snapshot', () => {
  it('imports the real snapshot head, knows it the second time, and the papers are searchable', async () => {
    const records = fs
      .readFileSync(SNAPSHOT, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { id: string; title: string; authors_parsed: string[][] });
    const first = await runCli(['ingest', 'snapshot', SNAPSHOT], env);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${records.length} lines, ${records.length} new, 0 updated`);

    const again = await runCli(['ingest', 'snapshot', SNAPSHOT], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was imported completely before');
    const restart = await runCli(['ingest', 'snapshot', '--restart', SNAPSHOT], env);
    expect(restart.code).toBe(0);
    expect(restart.stdout).toContain(`0 new, 0 updated, ${records.length} unchanged`);

    const container = await createContainer(loadConfig(env));
    try {
      expect(await container.papersRepo.count()).toBe(records.length);
      const sample = records[17]!;
      const paper = await container.papers.get(sample.id);
      expect(paper.authors).toHaveLength(sample.authors_parsed.length);
      // On PostgreSQL this node's search index follows the database: bring it up to date.
      await container.searchBackend.syncNow?.();
      const found = await container.search.search(
        `title:"${sample.title.split(/\s+/).slice(0, 3).join(' ')}"`,
        {
          limit: 20,
        },
      );
      expect(found.items.map((r) => r.id)).toContain(sample.id);
    } finally {
      await container.close();
    }
  }, 120_000);
});
