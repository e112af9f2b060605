import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HfPapersClient } from '../helpers/hf-client.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let validate: (path: string, status: number, body: unknown) => void;

interface OpenApiDoc {
  paths: Record<
    string,
    { get: { responses: Record<string, { content: Record<string, { schema: object }> }> } }
  >;
  components: { schemas: Record<string, object> };
}

beforeAll(async () => {
  t = await createTestApp();
  const doc = (await t.app.inject('/api/openapi.json')).json() as OpenApiDoc;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // The document's components, addressable as "#/components/schemas/X" refs.
  ajv.addSchema({ $id: 'doc', components: doc.components });
  validate = (path, status, body) => {
    const response = doc.paths[path]?.get.responses[String(status)];
    expect(response, `${path} ${status} is documented`).toBeDefined();
    const schema = JSON.parse(
      JSON.stringify(response!.content['application/json']!.schema).replaceAll(
        '"#/components',
        '"doc#/components',
      ),
    ) as object;
    const ok = ajv.validate(schema, body);
    expect(ajv.errors ?? [], `${path} ${status} matches the OpenAPI document`).toEqual([]);
    expect(ok).toBe(true);
  };
});
afterAll(async () => {
  await t.close();
});

async function get(url: string) {
  return t.app.inject(url);
}

describe('HF-compatible JSON API', () => {
  it('serves the latest day of daily papers, wrapped as HF does', async () => {
    const res = await get('/api/daily_papers');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { paper: { id: string; upvotes: number; authors: { name: string }[] } }[];
    validate('/api/daily_papers', 200, body);
    expect(body).toHaveLength(29);
    expect(body[0]!.paper.id).toBe('2410.17243');
    expect(body[0]!.paper.upvotes).toBe(64);
    expect(body[0]!.paper.authors).toHaveLength(9); // every author, not just the card's first three
  });

  it('takes date, week, month, p, limit and sort=trending', async () => {
    const day = (await get('/api/daily_papers?date=2026-11-26&limit=5')).json() as unknown[];
    expect(day).toHaveLength(5);
    const next = (await get('/api/daily_papers?date=2026-11-26&limit=5&p=1')).json() as {
      paper: { id: string };
    }[];
    expect(next.map((i) => i.paper.id)).not.toContain((day[0] as { paper: { id: string } }).paper.id);
    const week = await get('/api/daily_papers?week=2026-W47&limit=3');
    validate('/api/daily_papers', 200, week.json());
    expect(week.json()).toHaveLength(3);
    expect((await get('/api/daily_papers?month=2026-11&limit=100')).json()).toHaveLength(100);
    const trending = (await get('/api/daily_papers?sort=trending&limit=5')).json() as {
      paper: { id: string };
    }[];
    const top = await t.container.database.db
      .selectFrom('listings')
      .select('paperId')
      .orderBy('trendingScore', 'desc')
      .orderBy('paperId')
      .limit(5)
      .execute();
    expect(trending.map((i) => i.paper.id)).toEqual(top.map((r) => r.paperId));
    expect((await get('/api/daily_papers?submitter=nobody')).json()).toEqual([]);
  });

  it('rejects invalid parameters with a JSON error naming the parameter', async () => {
    for (const [url, parameter] of [
      ['/api/daily_papers?limit=0', 'limit'],
      ['/api/daily_papers?limit=abc', 'limit'],
      ['/api/daily_papers?sort=hot', 'sort'],
      ['/api/daily_papers?date=2026-13', 'date'],
      ['/api/papers/search', 'q'],
      ['/api/papers?cursor=garbage', 'cursor'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { status: 400, parameter } });
      validate(url.split('?')[0]!, 400, res.json());
    }
  });

  it('serves one paper and 404s unknown ones', async () => {
    const res = await get('/api/papers/0704.0001');
    validate('/api/papers/{id}', 200, res.json());
    expect(res.json()).toMatchObject({
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      categories: ['hep-ph'],
    });
    const missing = await get('/api/papers/2410.99999');
    expect(missing.statusCode).toBe(404);
    validate('/api/papers/{id}', 404, missing.json());
  });

  it('pages through every paper with a cursor, without repeats', async () => {
    const seen = new Set<string>();
    let url: string | null = '/api/papers?limit=100';
    let pages = 0;
    while (url && pages < 20) {
      const res = await get(url);
      validate('/api/papers', 200, res.json());
      for (const p of res.json() as { id: string }[]) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
      }
      const link = res.headers.link as string | undefined;
      url = link
        ? new URL(/<([^>]+)>/.exec(link)![1]!).pathname + new URL(/<([^>]+)>/.exec(link)![1]!).search
        : null;
      pages += 1;
    }
    expect(seen.size).toBe(1055);
  });

  it('sends ETag, Last-Modified, Cache-Control and CORS on reads', async () => {
    const res = await get('/api/daily_papers');
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['last-modified']).toBeDefined();
    expect(res.headers['cache-control']).toContain('max-age');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const again = await t.app.inject({
      url: '/api/daily_papers',
      headers: { 'if-none-match': res.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    const page = await get('/');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('works with a client that reads the fields the way huggingface_hub does', async () => {
    const client = new HfPapersClient(async (path) => (await get(path)).json());
    const info = await client.paperInfo('2410.17243');
    expect(info.title).toContain('Breaking the Memory Barrier');
    expect(info.authors[0]).toBe('Zesen Cheng');
    expect(info.publishedAt?.toISOString()).toBe('2024-10-22T17:59:30.000Z');
    expect(info.upvotes).toBe(64);
    const daily = await client.listDailyPapers('2026-11-27');
    expect(daily).toHaveLength(29);
    expect(daily.every((p) => p.id && p.title && p.authors.length > 0)).toBe(true);
    const found = await client.listPapers('contrastive loss batch');
    expect(found[0]?.id).toBe('2410.17243');
  });
});

describe('API reference page', () => {
  it('lists every documented endpoint', async () => {
    const res = await get('/api');
    expect(res.statusCode).toBe(200);
    for (const path of ['/api/daily_papers', '/api/papers/search', '/api/papers/{id}', '/api/papers']) {
      expect(res.body).toContain(path);
    }
    expect(res.body).toContain('submitter');
  });
});
