// What an embedding model does for search: turn texts into unit-length vectors, so that cosine
// similarity is a plain dot product and every index can use the same distance. Two real
// implementations: local ONNX models (transformers-embeddings.ts) and any OpenAI-compatible
// /v1/embeddings server (openai-embeddings.ts).

/** Queries and documents are embedded differently by some models (e5, nomic, bge instructions). */
export type EmbeddingKind = 'query' | 'document';

export interface EmbedOptions {
  /** Aborts the call (the search time budget, shutdown). */
  signal?: AbortSignal;
}

export interface EmbeddingProvider {
  /**
   * Model identity, stored with every vector. When it changes (another model, another document
   * prefix), the stored vectors no longer match queries and the embedding job redoes them.
   */
  readonly id: string;
  /** Vector length; null until the first answer tells (a remote model announces nothing). */
  readonly dimensions: number | null;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], kind: EmbeddingKind, options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Loads the model ahead of the first call (a local model takes a moment), so that the first
   * search need not wait; throws EmbeddingUnavailableError when it cannot be loaded at all.
   */
  warmUp?(): Promise<void>;
  /** Releases what the model holds (ONNX sessions). */
  close?(): Promise<void>;
}

/**
 * The model cannot be used at all as configured (missing folder, no server configured): nothing
 * to retry. Search stays lexical and the message says what to do.
 */
export class EmbeddingUnavailableError extends Error {
  override name = 'EmbeddingUnavailableError';
}

/** One call failed. `retryable` is false when the same request would fail again (HTTP 400). */
export class EmbeddingRequestError extends Error {
  override name = 'EmbeddingRequestError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Text put before queries and documents, as models such as e5 ("query: ", "passage: ") expect. */
export interface TextPrefixes {
  query: string;
  document: string;
}

export const NO_PREFIXES: TextPrefixes = { query: '', document: '' };

export function withPrefix(texts: string[], kind: EmbeddingKind, prefixes: TextPrefixes): string[] {
  const prefix = kind === 'query' ? prefixes.query : prefixes.document;
  return prefix ? texts.map((t) => prefix + t) : texts;
}

/**
 * The stored model identity: the model plus the document prefix, since a different prefix gives
 * different document vectors. (The query prefix only affects queries, which are never stored.)
 */
export function modelIdentity(model: string, prefixes: TextPrefixes): string {
  return prefixes.document ? `${model}|document-prefix=${JSON.stringify(prefixes.document)}` : model;
}

/** Copies into a unit-length Float32Array; a zero or non-finite vector is an error, not NaNs. */
export function normalize(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  let sum = 0;
  for (const x of out) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) {
    throw new EmbeddingRequestError('the model returned a zero or non-finite vector', false);
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

/** Dot product: the cosine similarity of unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Longest document text sent to a model; models truncate to a few hundred tokens anyway. */
const MAX_DOCUMENT_CHARS = 4000;

/** What gets embedded for a paper: its title and abstract. */
export function documentText(title: string, abstract: string): string {
  const text = `${title.trim()}\n\n${abstract.trim()}`.replace(/[ \t]+/g, ' ');
  return text.length > MAX_DOCUMENT_CHARS ? text.slice(0, MAX_DOCUMENT_CHARS) : text;
}
