// Paper vectors in the database (table paper_embeddings, migration 0003): the durable copy that
// the in-memory ANN index is rebuilt from at start. Portable Kysely queries only; the vector is a
// blob (bytea on PostgreSQL) of float32 little-endian values, whatever the machine's byte order.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

export interface PaperEmbeddingsTable {
  paperId: string;
  /** EmbeddingProvider.id of the model that made the vector. */
  model: string;
  dims: number;
  vector: Uint8Array;
  /** Hash of the embedded text: a re-imported paper whose text did not change keeps its vector. */
  textHash: string;
  /** When the text was read for embedding; older than papers.modified_at means "check again". */
  createdAt: string;
}

/** Declared here rather than in db/schema.ts: only the vector code reads or writes this table. */
type EmbeddingDatabase = Database & { paperEmbeddings: PaperEmbeddingsTable };

export interface PendingPaper {
  id: string;
  title: string;
  abstract: string;
  submittedAt: string;
  /** The stored vector's model and text hash when the paper has a vector already. */
  storedModel: string | null;
  storedHash: string | null;
}

/** Where a walk through the pending papers (newest first) has got to. */
export interface PendingCursor {
  submittedAt: string;
  id: string;
}

export interface StoredVector {
  paperId: string;
  vector: Float32Array;
  createdAt: string;
}

const CHUNK = 500;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class EmbeddingStore {
  private readonly db: Kysely<EmbeddingDatabase>;

  constructor(private readonly handle: Pick<DatabaseHandle, 'db' | 'noteWrite'>) {
    this.db = handle.db.withTables<{ paperEmbeddings: PaperEmbeddingsTable }>();
  }

  /**
   * Visible papers whose vector is missing, from another model, or older than the paper's last
   * change, newest first (new papers are the ones readers search for), after `cursor`.
   */
  async pending(model: string, limit: number, cursor: PendingCursor | null = null): Promise<PendingPaper[]> {
    return this.db
      .selectFrom('papers as p')
      .leftJoin('paperEmbeddings as e', 'e.paperId', 'p.id')
      .select(['p.id', 'p.title', 'p.abstract', 'p.submittedAt', 'e.model as storedModel'])
      .select('e.textHash as storedHash')
      .where('p.hiddenAt', 'is', null)
      .where((eb) =>
        eb.or([
          eb('e.paperId', 'is', null),
          eb('e.model', '<>', model),
          eb('e.createdAt', '<', eb.ref('p.modifiedAt')),
        ]),
      )
      .$if(cursor !== null, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb('p.submittedAt', '<', cursor!.submittedAt),
            eb.and([eb('p.submittedAt', '=', cursor!.submittedAt), eb('p.id', '<', cursor!.id)]),
          ]),
        ),
      )
      .orderBy('p.submittedAt', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit)
      .execute();
  }

  async save(
    model: string,
    items: { paperId: string; vector: Float32Array; textHash: string }[],
    createdAt: string,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < items.length; i += CHUNK) {
        const rows = items.slice(i, i + CHUNK).map((item) => ({
          paperId: item.paperId,
          model,
          dims: item.vector.length,
          vector: encodeVector(item.vector),
          textHash: item.textHash,
          createdAt,
        }));
        await trx
          .insertInto('paperEmbeddings')
          .values(rows)
          .onConflict((oc) =>
            oc.column('paperId').doUpdateSet((eb) => ({
              model: eb.ref('excluded.model'),
              dims: eb.ref('excluded.dims'),
              vector: eb.ref('excluded.vector'),
              textHash: eb.ref('excluded.textHash'),
              createdAt: eb.ref('excluded.createdAt'),
            })),
          )
          .execute();
      }
    });
    this.handle.noteWrite();
  }

  /** Marks vectors as checked at `createdAt` without changing them (the text did not change). */
  async touch(paperIds: string[], createdAt: string): Promise<void> {
    for (let i = 0; i < paperIds.length; i += CHUNK) {
      await this.db
        .updateTable('paperEmbeddings')
        .set({ createdAt })
        .where('paperId', 'in', paperIds.slice(i, i + CHUNK))
        .execute();
    }
  }

  async vectorOf(paperId: string, model: string): Promise<Float32Array | null> {
    const row = await this.db
      .selectFrom('paperEmbeddings')
      .select('vector')
      .where('paperId', '=', paperId)
      .where('model', '=', model)
      .executeTakeFirst();
    return row ? decodeVector(row.vector) : null;
  }

  /** paper id → createdAt of every vector of the model: what an index sync compares against. */
  async stamps(model: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('paperEmbeddings')
      .select(['paperId', 'createdAt'])
      .where('model', '=', model)
      .execute();
    return new Map(rows.map((r) => [r.paperId, r.createdAt]));
  }

  async load(model: string, paperIds: string[]): Promise<StoredVector[]> {
    const out: StoredVector[] = [];
    for (let i = 0; i < paperIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('paperEmbeddings')
        .select(['paperId', 'vector', 'createdAt'])
        .where('model', '=', model)
        .where('paperId', 'in', paperIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows)
        out.push({ paperId: r.paperId, vector: decodeVector(r.vector), createdAt: r.createdAt });
    }
    return out;
  }

  async count(model: string): Promise<number> {
    const row = await this.db
      .selectFrom('paperEmbeddings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model', '=', model)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** A Buffer, since that is what the SQLite and PostgreSQL drivers bind as a blob. */
export function encodeVector(vector: Float32Array): Buffer {
  const out = Buffer.alloc(vector.length * 4);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    return out;
  }
  vector.forEach((x, i) => out.writeFloatLE(x, i * 4));
  return out;
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`a stored vector has ${bytes.byteLength} bytes`);
  // Copied into a fresh buffer: a Buffer from the driver may sit at an offset Float32Array refuses.
  if (LITTLE_ENDIAN) return new Float32Array(Uint8Array.from(bytes).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}
