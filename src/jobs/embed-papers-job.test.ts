// The embedding job on every SQL backend (vectors are blobs: bytea on PostgreSQL), talking HTTP to
// a local embedding server.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import type { TestBackend } from '../../test/helpers/backends.ts';
import type { FakeEmbeddingServer } from '../../test/helpers/fake-embedding-server.ts';
import { FAKE_DIMENSIONS, startFakeEmbeddingServer } from '../../test/helpers/fake-embedding-server.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperRecord } from '../domain/paper.ts';
import { EmbeddingStore } from '../search/embedding-store.ts';
import { OpenAiEmbeddings } from '../search/openai-embeddings.ts';
import { SemanticSearch } from '../search/semantic-search.ts';
import { TransformersEmbeddings } from '../search/transformers-embeddings.ts';
import { ExactVectorIndex } from '../search/vector-index.ts';
import type { EmbedJobOptions } from './embed-papers-job.ts';
import { EmbedPapersJob } from './embed-papers-job.ts';

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

let server: FakeEmbeddingServer;
let db: DatabaseHandle;
let papers: PaperRepository;

beforeAll(async () => {
  server = await startFakeEmbeddingServer();
});
afterAll(async () => {
  await server.close();
});
/** A fresh database of the backend with ten papers, and a server that behaves. */
async function prepare(backend: TestBackend): Promise<void> {
  db = await backend.open();
  papers = new PaperRepository(db);
  await papers.upsertMany(
    Array.from({ length: 10 }, (_, i) => ({ record: paper(i), extras: { source: 'test' } })),
    '2025-01-01T00:00:00.000Z',
  );
  server.requests.length = 0;
  server.failAlways(null);
  server.failNext(0);
  server.refuseTextsWith(null);
}

function paper(i: number, abstract = `Abstract number ${i} about topic${i % 3}.`): PaperRecord {
  const day = String(i + 1).padStart(2, '0');
  return {
    arxivId: `2501.000${String(i).padStart(2, '0')}`,
    title: `Paper ${i}`,
    abstract,
    authors: ['A. Author'],
    categories: ['cs.LG'],
    versions: [{ version: 1, submittedAt: `2025-01-${day}T00:00:00.000Z`, size: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
  };
}

function setup(options: EmbedJobOptions & { model?: string } = {}) {
  const provider = new OpenAiEmbeddings({ baseUrl: server.url, model: options.model ?? 'toy' });
  const store = new EmbeddingStore(db);
  const semantic = new SemanticSearch(provider, store, (dims) => new ExactVectorIndex(dims));
  const job = new EmbedPapersJob(semantic, store, { batchSize: 4, retry: FAST_RETRY, ...options });
  return { job, semantic, store };
}

describeBackends('embed papers job', (backend) => {
  beforeEach(() => prepare(backend));

  it('embeds every paper in batches, newest first, stores and indexes the vectors', async () => {
    const { job, semantic, store } = setup();
    const report = await job.run();
    expect(report).toEqual({ status: 'success', embedded: 10, failed: 0, unchanged: 0, givenUp: 0 });
    expect(server.requests.map((r) => r.input.length)).toEqual([4, 4, 2]);
    expect(server.requests[0]!.input[0]).toBe('Paper 9\n\nAbstract number 9 about topic0.');
    expect(semantic.size).toBe(10);
    expect(await store.count(semantic.model)).toBe(10);
    const stored = await store.vectorOf('2501.00003', semantic.model);
    expect(stored).toHaveLength(FAKE_DIMENSIONS);
  });

  it('is idempotent: a second run finds nothing to do', async () => {
    const { job } = setup();
    await job.run();
    server.requests.length = 0;
    expect(await job.run()).toMatchObject({ status: 'success', embedded: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('re-embeds a paper whose text changed, and keeps the vector of one re-imported unchanged', async () => {
    let clock = new Date('2025-01-10T00:00:00.000Z'); // the job stamps vectors with the time it read the text
    const { job } = setup({ now: () => clock });
    await job.run();
    server.requests.length = 0;
    const later = '2025-02-01T00:00:00.000Z';
    clock = new Date('2025-02-02T00:00:00.000Z');
    await papers.upsertMany(
      [
        { record: paper(2, 'A completely new abstract.'), extras: { source: 'test' } },
        { record: paper(3), extras: { source: 'test' } },
      ],
      later,
    );
    expect(await job.run()).toMatchObject({ status: 'success', embedded: 1, unchanged: 1 });
    expect(server.requests.flatMap((r) => r.input)).toEqual(['Paper 2\n\nA completely new abstract.']);
    expect(await job.run()).toMatchObject({ embedded: 0, unchanged: 0 });
  });

  it('re-embeds everything for a new model', async () => {
    await setup().job.run();
    const other = setup({ model: 'toy-v2' });
    expect(await other.job.run()).toMatchObject({ status: 'success', embedded: 10 });
    expect(await other.store.count(other.semantic.model)).toBe(10);
  });

  it('retries a failing batch with backoff and succeeds', async () => {
    const { job, semantic } = setup();
    server.failNext(2);
    const report = await job.run();
    expect(report).toEqual({ status: 'success', embedded: 10, failed: 0, unchanged: 0, givenUp: 0 });
    expect(server.requests).toHaveLength(5); // two failures, then the three batches
    expect(semantic.size).toBe(10);
  });

  it('gives up and reports failure when the server keeps failing', async () => {
    const { job, semantic, store } = setup({ maxConsecutiveFailures: 2 });
    server.failAlways(503);
    const report = await job.run();
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/failed 2 times in a row.*503 Service Unavailable/);
    expect(report.embedded).toBe(0);
    expect(report.failed).toBe(8);
    expect(server.requests).toHaveLength(2 * FAST_RETRY.attempts);
    expect(semantic.size).toBe(0);
    expect(await store.count(semantic.model)).toBe(0);
    // The server is back: the next run does the whole backlog.
    server.failAlways(null);
    expect(await job.run()).toMatchObject({ status: 'success', embedded: 10 });
  });

  it('sets a refused paper aside without holding back its batch, and gives up on it later', async () => {
    await papers.upsertMany(
      [{ record: paper(4, 'POISON abstract'), extras: { source: 'test' } }],
      '2025-01-02T00:00:00.000Z',
    );
    server.refuseTextsWith('POISON');
    const { job, semantic } = setup({ maxPaperFailures: 2 });
    const first = await job.run();
    expect(first).toMatchObject({ status: 'success', embedded: 9, failed: 1 });
    expect(first.reason).toMatch(/1 papers could not be embedded.*400 Bad Request/);
    expect(semantic.size).toBe(9);
    server.requests.length = 0;
    // Next run: the paper is tried alone, once (no retries for a request the model refuses).
    expect(await job.run()).toMatchObject({ status: 'failed', embedded: 0, failed: 1 });
    expect(server.requests.map((r) => r.input.length)).toEqual([1]);
    server.requests.length = 0;
    expect(await job.run()).toMatchObject({ status: 'success', embedded: 0, givenUp: 1 });
    expect(server.requests).toHaveLength(0);
  });

  it('skips with a clear reason when the model is not available', async () => {
    const store = new EmbeddingStore(db);
    const provider = new TransformersEmbeddings({ folder: '/nonexistent/model', name: 'org/missing' });
    const semantic = new SemanticSearch(provider, store, (dims) => new ExactVectorIndex(dims));
    const report = await new EmbedPapersJob(semantic, store).run();
    expect(report.status).toBe('skipped');
    expect(report.reason).toMatch(/org\/missing.*\/nonexistent\/model does not exist/);
  });

  it('stops when asked and never runs twice at once', async () => {
    const { job } = setup();
    server.setDelay(50);
    const controller = new AbortController();
    const running = job.run(controller.signal);
    expect(await job.run()).toMatchObject({ status: 'skipped', reason: 'a run is already in progress' });
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    const report = await running;
    server.setDelay(0);
    expect(report.status).toBe('skipped');
    expect(report.reason).toMatch(/stopped after 0 papers/);
    expect(await job.run()).toMatchObject({ status: 'success', embedded: 10 });
  });
});

describeBackends('semantic search index', (backend) => {
  beforeEach(() => prepare(backend));

  it('catches up with vectors written by another process and drops deleted papers', async () => {
    const writer = setup();
    await writer.job.run();
    const reader = setup(); // same model, fresh empty index: another process
    expect(reader.semantic.size).toBe(0);
    expect(await reader.semantic.sync()).toEqual({ added: 10, removed: 0 });
    expect(await reader.semantic.sync()).toEqual({ added: 0, removed: 0 });
    await db.db.deleteFrom('papers').where('id', '=', '2501.00000').execute();
    expect(await reader.semantic.sync()).toEqual({ added: 0, removed: 1 });
    expect(reader.semantic.size).toBe(9);
  });

  it('finds neighbours of a paper from its stored vector, and by query text', async () => {
    const { job, semantic } = setup();
    await job.run();
    server.requests.length = 0;
    const near = await semantic.neighbours('2501.00003', 3);
    expect(near!.map((h) => h.paperId)).not.toContain('2501.00003');
    expect(near).toHaveLength(3);
    expect(server.requests).toHaveLength(0); // no model call for a stored vector
    expect(await semantic.neighbours('unknown', 3)).toBeNull();
    const hits = await semantic.search('topic1', 3);
    expect(hits[0]!.paperId).toMatch(/^2501\.0000[147]$/);
    await semantic.search('topic1', 3);
    expect(server.requests).toHaveLength(1); // the query vector is remembered
  });
});
