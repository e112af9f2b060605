// A real SQLite database with two papers and a few users of each role, for service tests of the
// discussion and moderation rules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { PaperRepository } from '../../src/db/repositories/paper-repository.ts';

export const PAPER_A = '2611.00001';
export const PAPER_B = '2611.00002';

export const USERS = {
  ada: { id: 1, role: 'user' },
  bob: { id: 2, role: 'user' },
  mod: { id: 3, role: 'moderator' },
  admin: { id: 4, role: 'admin' },
  mod2: { id: 5, role: 'moderator' },
} as const;

export interface CommunityDb {
  db: DatabaseHandle;
  /** How many times a committed write was noted (the page cache's change token moves). */
  writes(): number;
  close(): Promise<void>;
}

/** Seeds `open()`'s database (by default a fresh SQLite file), e.g. a backend of describeBackends. */
export async function openCommunityDb(open?: () => Promise<DatabaseHandle>): Promise<CommunityDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-community-'));
  const handle = open
    ? await open()
    : await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') });
  let writes = 0;
  const noteWrite = handle.noteWrite;
  const db: DatabaseHandle = {
    ...handle,
    noteWrite: () => {
      writes += 1;
      noteWrite();
    },
  };
  const now = '2026-11-20T09:00:00.000Z';
  for (const id of [PAPER_A, PAPER_B]) {
    await new PaperRepository(db).upsert(
      {
        arxivId: id,
        title: `Paper ${id}`,
        abstract: 'About things.',
        authors: ['Ada Lovelace'],
        categories: ['cs.LG'],
        versions: [{ version: 1, submittedAt: now, size: null }],
        comments: null,
        journalRef: null,
        doi: null,
        reportNo: null,
        license: null,
      },
      { source: 'arxiv' },
      now,
    );
  }
  for (const [handle, user] of Object.entries(USERS)) {
    await db.db
      .insertInto('users')
      .values({
        id: user.id,
        email: `${handle}@example.org`,
        handle,
        displayName: handle[0]!.toUpperCase() + handle.slice(1),
        role: user.role,
        createdAt: now,
        bannedAt: null,
      })
      .execute();
  }
  writes = 0;
  return {
    db,
    writes: () => writes,
    async close() {
      if (!open) await handle.close(); // describeBackends closes its own
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock that moves one second each time it is read, so edits are later than posts. */
export function tickingClock(start = '2026-11-21T00:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}
