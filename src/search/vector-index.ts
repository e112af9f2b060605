// Nearest-neighbour search over paper vectors, held in memory and rebuilt from the database at
// start. Two implementations behind one interface, run through the same tests: an HNSW index
// (usearch-index.ts) for speed, and this exact scan, which is the reference the ANN's recall is
// measured against and the fallback where usearch's prebuilt binary cannot load.
//
// Vectors are unit length (see embedding-provider.ts), so cosine distance = 1 - dot product.
import { dot } from './embedding-provider.ts';

export interface VectorHit {
  paperId: string;
  /** Cosine distance: 0 for the same direction, up to 2 for the opposite. Smaller is nearer. */
  distance: number;
}

export interface VectorIndex {
  /** Adds vectors, replacing the one a paper already had. */
  add(paperIds: string[], vectors: Float32Array[]): void;
  remove(paperIds: string[]): void;
  has(paperId: string): boolean;
  /** The k nearest papers, nearest first. */
  search(vector: Float32Array, k: number): VectorHit[];
  readonly size: number;
  readonly dimensions: number;
  /** What kind of index this is, for logs ("hnsw", "exact"). */
  readonly kind: string;
}

export class VectorDimensionError extends Error {
  override name = 'VectorDimensionError';
}

export function checkDimensions(index: { dimensions: number }, vectors: Float32Array[]): void {
  for (const v of vectors) {
    if (v.length !== index.dimensions) {
      throw new VectorDimensionError(
        `a vector has ${v.length} dimensions; the index holds ${index.dimensions}`,
      );
    }
  }
}

/** Every vector compared with the query: exact, O(n·d) per search; fine up to ~10⁵ papers. */
export class ExactVectorIndex implements VectorIndex {
  readonly kind = 'exact';
  private readonly vectors = new Map<string, Float32Array>();

  constructor(readonly dimensions: number) {}

  get size(): number {
    return this.vectors.size;
  }

  add(paperIds: string[], vectors: Float32Array[]): void {
    checkDimensions(this, vectors);
    paperIds.forEach((id, i) => this.vectors.set(id, vectors[i]!));
  }

  remove(paperIds: string[]): void {
    for (const id of paperIds) this.vectors.delete(id);
  }

  has(paperId: string): boolean {
    return this.vectors.has(paperId);
  }

  search(vector: Float32Array, k: number): VectorHit[] {
    checkDimensions(this, [vector]);
    if (k <= 0) return [];
    const best = new TopK(k);
    for (const [paperId, v] of this.vectors) best.offer(paperId, 1 - dot(vector, v));
    return best.sorted();
  }
}

/** Keeps the k smallest distances seen, without sorting everything. */
class TopK {
  private readonly items: VectorHit[] = [];
  private worst = -Infinity;

  constructor(private readonly k: number) {}

  offer(paperId: string, distance: number): void {
    if (this.items.length === this.k && distance >= this.worst) return;
    this.items.push({ paperId, distance });
    if (this.items.length > this.k) {
      // Drop the current worst; k is small (≤ 1000), so a linear pass is cheaper than a heap here.
      let at = 0;
      for (let i = 1; i < this.items.length; i++)
        if (this.items[i]!.distance > this.items[at]!.distance) at = i;
      this.items.splice(at, 1);
    }
    if (this.items.length === this.k) this.worst = Math.max(...this.items.map((h) => h.distance));
  }

  sorted(): VectorHit[] {
    return [...this.items].sort((a, b) => a.distance - b.distance || (a.paperId < b.paperId ? -1 : 1));
  }
}
