import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeEmbeddingServer } from '../../test/helpers/fake-embedding-server.ts';
import { FAKE_DIMENSIONS, startFakeEmbeddingServer } from '../../test/helpers/fake-embedding-server.ts';
import { dot, EmbeddingRequestError } from './embedding-provider.ts';
import { embeddingsEndpoint, OpenAiEmbeddings } from './openai-embeddings.ts';

let server: FakeEmbeddingServer;
beforeAll(async () => {
  server = await startFakeEmbeddingServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.failAlways(null);
  server.failNext(0);
  server.setDelay(0);
});

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

describe('OpenAI-compatible embeddings', () => {
  it('builds the endpoint from a base URL with or without /v1', () => {
    expect(embeddingsEndpoint('http://localhost:11434')).toBe('http://localhost:11434/v1/embeddings');
    expect(embeddingsEndpoint('http://localhost:11434/')).toBe('http://localhost:11434/v1/embeddings');
    expect(embeddingsEndpoint('http://tei:8080/v1/')).toBe('http://tei:8080/v1/embeddings');
    expect(embeddingsEndpoint('https://api.example.org/openai/v1')).toBe(
      'https://api.example.org/openai/v1/embeddings',
    );
  });

  it('posts the model and texts and returns unit vectors in input order', async () => {
    const provider = new OpenAiEmbeddings({ baseUrl: `${server.url}/v1`, model: 'toy', apiKey: 'sekrit' });
    expect(provider.dimensions).toBeNull();
    const texts = ['contrastive loss with large batch', 'siamese objective minibatch', 'quark gluon plasma'];
    const vectors = await provider.embed(texts, 'document');
    expect(server.requests).toEqual([{ model: 'toy', input: texts, authorization: 'Bearer sekrit' }]);
    expect(provider.dimensions).toBe(FAKE_DIMENSIONS);
    for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 5);
    // The server answers in reverse order; the synonyms make the first two the same meaning.
    expect(dot(vectors[0]!, vectors[1]!)).toBeGreaterThan(0.6);
    expect(dot(vectors[0]!, vectors[2]!)).toBeLessThan(0.3);
  });

  it('sends texts in batches and puts the configured prefixes in front', async () => {
    const provider = new OpenAiEmbeddings({
      baseUrl: server.url,
      model: 'e5',
      batchSize: 2,
      prefixes: { query: 'query: ', document: 'passage: ' },
    });
    const vectors = await provider.embed(['a1', 'b2', 'c3', 'd4', 'e5'], 'document');
    expect(vectors).toHaveLength(5);
    expect(server.requests.map((r) => r.input)).toEqual([
      ['passage: a1', 'passage: b2'],
      ['passage: c3', 'passage: d4'],
      ['passage: e5'],
    ]);
    expect(server.requests[0]!.authorization).toBeUndefined();
    await provider.embed(['what is new'], 'query');
    expect(server.requests.at(-1)!.input).toEqual(['query: what is new']);
    // The document prefix changes stored vectors, so it is part of the model identity.
    expect(provider.id).toContain('passage: ');
    expect(new OpenAiEmbeddings({ baseUrl: server.url, model: 'e5' }).id).not.toBe(provider.id);
  });

  it('reports the status and an excerpt of the body, and whether retrying may help', async () => {
    const provider = new OpenAiEmbeddings({ baseUrl: server.url, model: 'toy' });
    server.failNext(1, 503);
    const busy = await provider.embed(['x'], 'query').catch((err: unknown) => err);
    expect(busy).toBeInstanceOf(EmbeddingRequestError);
    expect((busy as EmbeddingRequestError).message).toMatch(/answered 503 Service Unavailable: .*overloaded/);
    expect((busy as EmbeddingRequestError).retryable).toBe(true);
    server.refuseTextsWith('BAD');
    const refused = await provider.embed(['a BAD text'], 'document').catch((err: unknown) => err);
    server.refuseTextsWith(null);
    expect((refused as EmbeddingRequestError).message).toMatch(/400 Bad Request/);
    expect((refused as EmbeddingRequestError).retryable).toBe(false);
  });

  it('names an unreachable server and gives up after its timeout', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = new OpenAiEmbeddings({ baseUrl: `http://127.0.0.1:${port}`, model: 'toy' });
    await expect(gone.embed(['x'], 'query')).rejects.toThrow(
      /127\.0\.0\.1:\d+\/v1\/embeddings: cannot connect \(ECONNREFUSED\)/,
    );

    server.setDelay(500);
    const slow = new OpenAiEmbeddings({ baseUrl: server.url, model: 'toy', timeoutMs: 50 });
    await expect(slow.embed(['x'], 'query')).rejects.toThrow(/no answer within 50 ms/);
    const controller = new AbortController();
    const pending = slow.embed(['x'], 'query', { signal: controller.signal });
    controller.abort(new Error('budget'));
    await expect(pending).rejects.toThrow('budget');
  });

  it('rejects answers that are not embeddings', async () => {
    const odd = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ index: 0, embedding: 'AAAA' }] }));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const provider = new OpenAiEmbeddings({
      baseUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`,
      model: 'toy',
    });
    await expect(provider.embed(['x'], 'query')).rejects.toThrow(/not a list of numbers/);
    await expect(provider.embed(['x', 'y'], 'query')).rejects.toThrow(/sent 1 embeddings for 2 texts/);
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });
});
