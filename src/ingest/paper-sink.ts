// The one way ingested papers enter storage: a batch of records, their listings, their search
// index entries and the source's checkpoint commit in one transaction, so an import killed at any
// moment resumes from a checkpoint that matches exactly what was stored.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';
import { IngestStateRepository } from '../db/repositories/ingest-state-repository.ts';
import { ListingRepository } from '../db/repositories/listing-repository.ts';
import type { NewListing } from '../db/repositories/listing-repository.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperExtras, UpsertOutcome } from '../db/repositories/paper-repository.ts';
import type { Database } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import type { PaperRecord } from '../domain/paper.ts';

export interface IncomingPaper {
  record: PaperRecord;
  extras: PaperExtras;
  /** Enter the paper into a day's list (kept if it is listed already). */
  listing?: Omit<NewListing, 'paperId'>;
}

export interface StoreResult {
  inserted: number;
  updated: number;
  unchanged: number;
  listed: number;
}

export interface Checkpoint {
  source: string;
  state: unknown;
}

export interface SearchIndexer {
  indexPapers(ids: string[], within?: Kysely<Database>): Promise<void>;
}

export class PaperSink {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly search: SearchIndexer,
  ) {}

  async store(batch: IncomingPaper[], checkpoint?: Checkpoint, now: Date = new Date()): Promise<StoreResult> {
    const stamp = now.toISOString();
    return withTransaction(this.handle, async (tx) => {
      const outcomes: UpsertOutcome[] =
        batch.length > 0 ? await new PaperRepository(tx).upsertMany(batch, stamp) : [];
      const listings = batch.flatMap((p) => (p.listing ? [{ paperId: p.record.arxivId, ...p.listing }] : []));
      const listed = await new ListingRepository(tx).addMany(listings);
      const changed = batch.filter((_, i) => outcomes[i] !== 'unchanged').map((p) => p.record.arxivId);
      await this.search.indexPapers(changed, tx.db);
      if (checkpoint) await new IngestStateRepository(tx).set(checkpoint.source, checkpoint.state, stamp);
      return {
        inserted: outcomes.filter((o) => o === 'inserted').length,
        updated: outcomes.filter((o) => o === 'updated').length,
        unchanged: outcomes.filter((o) => o === 'unchanged').length,
        listed,
      };
    });
  }

  checkpoint<T>(source: string): Promise<T | null> {
    return new IngestStateRepository(this.handle).get<T>(source);
  }

  clearCheckpoint(source: string): Promise<void> {
    return new IngestStateRepository(this.handle).clear(source);
  }
}
