// The test apps run on the backend of their vitest project: SQLite in unit, PostgreSQL in http-pg
// (PAPERBOY_TEST_BACKEND=postgres), each on a database of its own that close() removes. Guards the
// plumbing: without it, http-pg would quietly test SQLite a second time.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestApp, testBackend } from '../helpers/test-app.ts';
import { testServerUrl } from '../helpers/postgres.ts';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('test apps', () => {
  it(`run on the project's backend (${testBackend()}), on a database of their own`, async () => {
    const t = await createTestApp();
    const other = await createTestApp({ seed: false });
    try {
      expect(t.container.database.dialect.name).toBe(testBackend());
      expect(await t.container.papersRepo.count()).toBe(1055);
      expect(await other.container.papersRepo.count()).toBe(0);
      expect(await t.container.search.rankIds('contrastive loss batch size', { limit: 1 })).toEqual([
        '2410.17243',
      ]);
    } finally {
      await other.close();
      await t.close();
    }
    if (t.container.config.database.kind === 'postgres') {
      // This node's search index lives in the app's data directory, and the database goes on close.
      expect(t.container.config.searchIndex.file).toBe(path.join(t.dataDir, 'search-index.db'));
      const name = new URL(t.container.config.database.url).pathname.slice(1);
      expect(await databaseExists(name)).toBe(false);
    }
    expect(fs.existsSync(t.dataDir)).toBe(false);
  });

  // SQLite indexes in the writing transaction; PostgreSQL's index follows the change feed.
  it.runIf(testBackend() === 'postgres')('wait for the search index with searchCaughtUp()', async () => {
    const t = await createTestApp({ env: { SEARCH_SYNC_MS: '0' } });
    try {
      await t.container.database.db
        .updateTable('papers')
        .set({ title: 'Xylophonic retitling' })
        .where('id', '=', '2410.17243')
        .execute();
      await t.searchCaughtUp();
      expect(await t.container.search.rankIds('xylophonic', { limit: 5 })).toEqual(['2410.17243']);
    } finally {
      await t.close();
    }
  });
});
