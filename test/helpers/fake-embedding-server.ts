// A real HTTP server on loopback that speaks OpenAI's /v1/embeddings, with a deterministic toy
// model: a hashed bag of "concepts", where a few words share a concept with a synonym. So
// "siamese objective minibatch" means the same as "contrastive loss batch" to this model, while no
// word of the one appears in the other: exactly what hybrid search must be able to find.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** word → concept it means; all other words are their own concept. */
export const FAKE_SYNONYMS: Record<string, string> = {
  siamese: 'contrastive',
  objective: 'loss',
  minibatch: 'batch',
  minibatches: 'batch',
  batches: 'batch',
  sizes: 'size',
};

const STOPWORDS = new Set(
  [
    'the and for with that this from are was were its our their which',
    'into over under can has have been not but all any',
  ]
    .join(' ')
    .split(' '),
);

/** Large enough that two concepts rarely share a dimension. */
export const FAKE_DIMENSIONS = 1024;

export interface EmbeddingRequest {
  model: string;
  input: string[];
  authorization: string | undefined;
}

export interface FakeEmbeddingServer {
  /** Base URL without /v1, e.g. http://127.0.0.1:43210 */
  url: string;
  requests: EmbeddingRequest[];
  /** Answer the next `count` requests with this status (503 unless said otherwise). */
  failNext(count: number, status?: number): void;
  /** Answer every request with this status from now on (null: back to normal). */
  failAlways(status: number | null): void;
  /** Answer 400 to any request with a text containing this marker (a paper the model refuses). */
  refuseTextsWith(marker: string | null): void;
  /** Wait this long before answering. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startFakeEmbeddingServer(): Promise<FakeEmbeddingServer> {
  const requests: EmbeddingRequest[] = [];
  let failures = 0;
  let failureStatus = 503;
  let always: number | null = null;
  let refuse: string | null = null;
  let delay = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const answer = () => {
        if (res.destroyed) return;
        if (req.method !== 'POST' || req.url !== '/v1/embeddings')
          return send(res, 404, { error: 'not found' });
        const parsed = JSON.parse(body) as { model: string; input: string[] | string };
        const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
        requests.push({ model: parsed.model, input, authorization: req.headers.authorization });
        if (always !== null) return send(res, always, { error: { message: 'the model is not loaded' } });
        if (failures > 0) {
          failures -= 1;
          return send(res, failureStatus, { error: { message: 'temporarily overloaded' } });
        }
        if (refuse && input.some((t) => t.includes(refuse!))) {
          return send(res, 400, { error: { message: 'input contains something this model refuses' } });
        }
        send(res, 200, {
          object: 'list',
          model: parsed.model,
          // Reversed on purpose: clients must order by index, not by position.
          data: input
            .map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) }))
            .reverse(),
        });
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status = 503) {
      failures = count;
      failureStatus = status;
    },
    failAlways(status) {
      always = status;
    },
    refuseTextsWith(marker) {
      refuse = marker;
    },
    setDelay(ms) {
      delay = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The toy model: concepts hashed to signed dimensions, log-scaled counts. Not normalised. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_DIMENSIONS).fill(0);
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    const concept = FAKE_SYNONYMS[word] ?? word;
    counts.set(concept, (counts.get(concept) ?? 0) + 1);
  }
  for (const [concept, count] of counts) {
    // Two signed positions per concept (a count sketch): a collision only ever shares half.
    for (const seed of [0x811c9dc5, 0x01000193]) {
      const h = fnv1a(concept, seed);
      vector[h % FAKE_DIMENSIONS]! += (h & 0x80000000 ? 1 : -1) * (1 + Math.log(count));
    }
  }
  // A text of stopwords only still needs a direction (a zero vector cannot be normalised).
  if (counts.size === 0) vector[0] = 1;
  return vector;
}

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
