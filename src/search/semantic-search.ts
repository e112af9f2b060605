// The semantic side of search: one embedding model, its stored vectors and the in-memory ANN
// index over them. The index follows the table: sync() catches up with vectors written by other
// processes (`paperboy embed`), add() with those this process's embedding job just stored.
import type { EmbeddingProvider } from './embedding-provider.ts';
import type { EmbeddingStore } from './embedding-store.ts';
import type { VectorHit, VectorIndex } from './vector-index.ts';

export type IndexFactory = (dimensions: number) => VectorIndex | Promise<VectorIndex>;

/** Query vectors remembered: search-as-you-type and paging repeat the same query. */
const QUERY_CACHE_SIZE = 256;
/** Vectors added per step when loading, yielding in between so a large load never stalls requests. */
const LOAD_STEP = 1000;

export class SemanticSearch {
  private index: VectorIndex | null = null;
  private creating: Promise<VectorIndex> | null = null;
  /** createdAt of each indexed vector, to see which rows changed since. */
  private readonly stamps = new Map<string, string>();
  private readonly queryCache = new Map<string, Float32Array>();

  constructor(
    readonly provider: EmbeddingProvider,
    private readonly store: EmbeddingStore,
    private readonly createIndex: IndexFactory,
  ) {}

  get model(): string {
    return this.provider.id;
  }

  /** Indexed papers; 0 means the semantic side has nothing to offer yet. */
  get size(): number {
    return this.index?.size ?? 0;
  }

  get indexKind(): string | null {
    return this.index?.kind ?? null;
  }

  /** Brings the index in line with the table: new and re-embedded vectors in, deleted ones out. */
  async sync(): Promise<{ added: number; removed: number }> {
    const current = await this.store.stamps(this.model);
    const changed = [...current].filter(([id, at]) => this.stamps.get(id) !== at).map(([id]) => id);
    const gone = [...this.stamps.keys()].filter((id) => !current.has(id));
    if (gone.length > 0) {
      this.index?.remove(gone);
      for (const id of gone) this.stamps.delete(id);
    }
    for (let i = 0; i < changed.length; i += LOAD_STEP) {
      const rows = await this.store.load(this.model, changed.slice(i, i + LOAD_STEP));
      await this.addStamped(rows);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { added: changed.length, removed: gone.length };
  }

  /** Vectors just stored by this process (same createdAt as in the table). */
  async add(rows: { paperId: string; vector: Float32Array; createdAt: string }[]): Promise<void> {
    await this.addStamped(rows);
  }

  /** Embeds the query (remembered for a while) and returns the k nearest papers. */
  async search(text: string, k: number, signal?: AbortSignal): Promise<VectorHit[]> {
    if (!this.index || this.index.size === 0) return [];
    const vector = await this.queryVector(text, signal);
    signal?.throwIfAborted();
    return this.index.search(vector, k);
  }

  /**
   * The k papers nearest to a paper's own stored vector (itself excluded), or null when the paper
   * has no vector of this model. Needs no model call, so it works while the model is down.
   */
  async neighbours(paperId: string, k: number): Promise<VectorHit[] | null> {
    if (!this.index || this.index.size === 0) return null;
    const vector = await this.store.vectorOf(paperId, this.model);
    if (!vector) return null;
    return this.index
      .search(vector, k + 1)
      .filter((h) => h.paperId !== paperId)
      .slice(0, k);
  }

  private async addStamped(
    rows: { paperId: string; vector: Float32Array; createdAt: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const index = await this.ensureIndex(rows[0]!.vector.length);
    index.add(
      rows.map((r) => r.paperId),
      rows.map((r) => r.vector),
    );
    for (const r of rows) this.stamps.set(r.paperId, r.createdAt);
  }

  private ensureIndex(dimensions: number): Promise<VectorIndex> {
    if (this.index) return Promise.resolve(this.index);
    this.creating ??= Promise.resolve(this.createIndex(dimensions)).then((index) => {
      this.index = index;
      return index;
    });
    return this.creating;
  }

  private async queryVector(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const cached = this.queryCache.get(text);
    if (cached) {
      // Re-inserted to mark it as recently used: a Map iterates in insertion order.
      this.queryCache.delete(text);
      this.queryCache.set(text, cached);
      return cached;
    }
    const [vector] = await this.provider.embed([text], 'query', { signal });
    if (!vector) throw new Error('the embedding model returned no vector for the query');
    this.queryCache.set(text, vector);
    if (this.queryCache.size > QUERY_CACHE_SIZE) {
      this.queryCache.delete(this.queryCache.keys().next().value!);
    }
    return vector;
  }
}
