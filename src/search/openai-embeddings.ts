// Embeddings from any server that speaks OpenAI's /v1/embeddings (Ollama, Hugging Face TEI, vLLM,
// llama.cpp, OpenAI itself): POST {model, input: [...]}, answer {data: [{index, embedding}]}.
import type { EmbedOptions, EmbeddingKind, EmbeddingProvider, TextPrefixes } from './embedding-provider.ts';
import {
  EmbeddingRequestError,
  EmbeddingUnavailableError,
  modelIdentity,
  NO_PREFIXES,
  normalize,
  withPrefix,
} from './embedding-provider.ts';

export interface OpenAiEmbeddingsOptions {
  /** Server base URL, with or without the trailing /v1. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token when set; local servers usually need none. */
  apiKey?: string | null;
  /** Per request; the search time budget cuts queries shorter through the abort signal. */
  timeoutMs?: number;
  /** Texts per request: servers cap the batch size (TEI defaults to 32). */
  batchSize?: number;
  prefixes?: TextPrefixes;
}

const BODY_EXCERPT = 300;

export class OpenAiEmbeddings implements EmbeddingProvider {
  readonly id: string;
  private dims: number | null = null;
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly prefixes: TextPrefixes;

  constructor(private readonly options: OpenAiEmbeddingsOptions) {
    if (!options.model) throw new EmbeddingUnavailableError('no embedding model name is configured');
    this.endpoint = embeddingsEndpoint(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.batchSize = options.batchSize ?? 32;
    this.prefixes = options.prefixes ?? NO_PREFIXES;
    // The server is part of the identity: the same model name on two servers may be two models.
    this.id = modelIdentity(`openai:${this.endpoint}#${options.model}`, this.prefixes);
  }

  get dimensions(): number | null {
    return this.dims;
  }

  async embed(texts: string[], kind: EmbeddingKind, options: EmbedOptions = {}): Promise<Float32Array[]> {
    const input = withPrefix(texts, kind, this.prefixes);
    const out: Float32Array[] = [];
    for (let i = 0; i < input.length; i += this.batchSize) {
      out.push(...(await this.request(input.slice(i, i + this.batchSize), options.signal)));
    }
    return out;
  }

  private async request(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.options.model, input }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err; // the caller gave up; not the server's fault
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describeFetchError(err);
      throw new EmbeddingRequestError(`embedding server ${this.endpoint}: ${reason}`, true, { cause: err });
    }
    const body = await response.text();
    if (!response.ok) {
      // 408 and 429 say "later"; 5xx may be a model still loading. Other 4xx would fail again.
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new EmbeddingRequestError(
        `embedding server ${this.endpoint} answered ${response.status} ${response.statusText}: ` +
          excerpt(body),
        retryable,
      );
    }
    return this.vectors(body, input.length);
  }

  private vectors(body: string, expected: number): Float32Array[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new EmbeddingRequestError(
        `embedding server ${this.endpoint} sent something that is not JSON: ${excerpt(body)}`,
        true,
      );
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length !== expected) {
      throw new EmbeddingRequestError(
        `embedding server ${this.endpoint} sent ${Array.isArray(data) ? data.length : 'no'} embeddings ` +
          `for ${expected} texts: ${excerpt(body)}`,
        true,
      );
    }
    const ordered = [...(data as { index?: unknown; embedding?: unknown }[])].sort(
      (a, b) => Number(a.index ?? 0) - Number(b.index ?? 0),
    );
    return ordered.map((item) => this.vector(item.embedding));
  }

  private vector(embedding: unknown): Float32Array {
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(Number.isFinite)) {
      throw new EmbeddingRequestError(
        `embedding server ${this.endpoint} sent an embedding that is not a list of numbers ` +
          '(base64 encoding is not supported)',
        false,
      );
    }
    if (this.dims !== null && embedding.length !== this.dims) {
      throw new EmbeddingRequestError(
        `embedding server ${this.endpoint} sent ${embedding.length} dimensions after ${this.dims}`,
        false,
      );
    }
    this.dims = embedding.length;
    return normalize(embedding as number[]);
  }
}

/** http://host:11434 → …/v1/embeddings; a base already ending in /v1 gets /embeddings only. */
export function embeddingsEndpoint(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/v1$/.test(base) ? `${base}/embeddings` : `${base}/v1/embeddings`;
}

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '(empty body)';
  return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
}

/** fetch() says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in the cause. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `cannot connect (${cause.code})`;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}
