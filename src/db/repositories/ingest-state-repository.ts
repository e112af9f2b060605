import type { DatabaseHandle } from '../database.ts';

/** Per-source checkpoints of ingestion, as JSON. */
export class IngestStateRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  async get<T>(source: string): Promise<T | null> {
    const row = await this.handle.db
      .selectFrom('ingestState')
      .select('state')
      .where('source', '=', source)
      .executeTakeFirst();
    return row ? (JSON.parse(row.state) as T) : null;
  }

  async set(source: string, state: unknown, now: string): Promise<void> {
    const json = JSON.stringify(state);
    await this.handle.db
      .insertInto('ingestState')
      .values({ source, state: json, updatedAt: now })
      .onConflict((oc) => oc.column('source').doUpdateSet({ state: json, updatedAt: now }))
      .execute();
    this.handle.noteWrite();
  }

  async clear(source: string): Promise<void> {
    await this.handle.db.deleteFrom('ingestState').where('source', '=', source).execute();
    this.handle.noteWrite();
  }
}
