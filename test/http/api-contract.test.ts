// Every operation in /api/openapi.json, called for real (reads, writes with a per-user API token,
// and their documented errors), with each response checked against the schema the document gives
// for its status. A last test fails if an operation was never seen answering successfully, so a
// new endpoint cannot join the document without joining this test.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedBody, startArxivApiServer } from '../helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../helpers/arxiv-api-server.ts';
import { signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

const PAPER = '2410.17243';
const RECENT = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const arxiv: Handler = (req) =>
  req.key === 'id:1605.08386'
    ? { body: recordedBody(req.key).replace(/<(published|updated)>[^<]+</g, `<$1>${RECENT}<`) }
    : undefined;

let server: ArxivApiServer;
let t: TestApp;
let doc: OpenApiDoc;
let ajv: Ajv;
let bearer: Record<string, string>;
const succeeded = new Set<string>();

beforeAll(async () => {
  server = await startArxivApiServer(arxiv);
  t = await createTestApp({ env: { ARXIV_API_URL: server.url, ARXIV_API_INTERVAL_MS: '0' } });
  doc = (await t.app.inject('/api/openapi.json')).json() as OpenApiDoc;
  ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada' });
  const { token } = await t.container.accounts.createApiToken(ada.userId, 'contract test');
  bearer = { authorization: `Bearer ${token}` };
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

/** Calls the API and checks the response against the documented schema of (template, method, status). */
async function call(template: string, options: InjectOptions & { method: string; url: string }) {
  const res = await t.app.inject(options);
  const method = options.method.toLowerCase();
  const operation = doc.paths[template]?.[method];
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  const documented = operation!.responses[String(res.statusCode)];
  expect(documented, `${method} ${template} documents status ${res.statusCode}: ${res.body}`).toBeDefined();
  const schema = documented!.content?.['application/json']?.schema;
  // Every JSON answer, success or error, must have a schema to be checked against.
  expect(schema, `${method} ${template} ${res.statusCode} has a JSON schema`).toBeDefined();
  if (schema) {
    const rewritten = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components', '"doc#/components'),
    ) as object;
    const ok = ajv.validate(rewritten, res.json());
    expect(ajv.errors ?? [], `${method} ${template} ${res.statusCode} matches the document`).toEqual([]);
    expect(ok).toBe(true);
  }
  if (res.statusCode < 300) succeeded.add(`${method} ${template}`);
  return res;
}

describe('the OpenAPI document describes what the API answers', () => {
  it('reads', async () => {
    expect(
      (await call('/api/daily_papers', { method: 'GET', url: '/api/daily_papers?limit=3' })).statusCode,
    ).toBe(200);
    expect(
      (await call('/api/daily_papers', { method: 'GET', url: '/api/daily_papers?limit=x' })).statusCode,
    ).toBe(400);
    expect((await call('/api/papers/{id}', { method: 'GET', url: `/api/papers/${PAPER}` })).statusCode).toBe(
      200,
    );
    expect(
      (await call('/api/papers/{id}', { method: 'GET', url: '/api/papers/2410.99999' })).statusCode,
    ).toBe(404);
    const search = await call('/api/papers/search', {
      method: 'GET',
      url: '/api/papers/search?q=attention&limit=3',
    });
    expect(search.statusCode).toBe(200);
    expect((await call('/api/papers', { method: 'GET', url: '/api/papers?limit=2' })).statusCode).toBe(200);
    expect((await call('/api/papers', { method: 'GET', url: '/api/papers?cursor=%00' })).statusCode).toBe(
      400,
    );
  });

  it('the signed-in reader', async () => {
    expect((await call('/api/whoami-v2', { method: 'GET', url: '/api/whoami-v2' })).statusCode).toBe(401);
    const me = await call('/api/whoami-v2', { method: 'GET', url: '/api/whoami-v2', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(JSON.stringify(me.json())).toContain('ada');
  });

  it('upvotes', async () => {
    const url = `/api/papers/${PAPER}/upvote`;
    const template = '/api/papers/{id}/upvote';
    expect((await call(template, { method: 'POST', url })).statusCode).toBe(401);
    const on = await call(template, { method: 'POST', url, headers: bearer });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ upvoted: true });
    const bad = await call(template, { method: 'POST', url, headers: bearer, payload: { upvote: 'yes' } });
    expect(bad.statusCode).toBe(400);
    const off = await call(template, { method: 'DELETE', url, headers: bearer });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({
      upvoted: false,
      upvotes: (on.json() as { upvotes: number }).upvotes - 1,
    });
    const unknown = '/api/papers/2410.99999/upvote';
    expect((await call(template, { method: 'POST', url: unknown, headers: bearer })).statusCode).toBe(404);
  });

  it('comments', async () => {
    const url = `/api/papers/${PAPER}/comments`;
    const template = '/api/papers/{id}/comments';
    const posted = await call(template, {
      method: 'POST',
      url,
      headers: bearer,
      payload: { comment: 'Nice *result*.' },
    });
    expect(posted.statusCode).toBe(201);
    const empty = await call(template, { method: 'POST', url, headers: bearer, payload: { comment: ' ' } });
    expect(empty.statusCode).toBe(400);
    const list = await call(template, { method: 'GET', url });
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).toContain('Nice');
    expect((await call(template, { method: 'GET', url: '/api/papers/2410.99999/comments' })).statusCode).toBe(
      404,
    );
  });

  it('submissions', async () => {
    const submit = (payload: object) =>
      call('/api/papers', { method: 'POST', url: '/api/papers', headers: bearer, payload });
    const created = await submit({ id: '1605.08386', githubRepo: 'https://github.com/heat-bath/walks' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: '1605.08386' });
    expect((await submit({ id: '1605.08386' })).statusCode).toBe(409);
    expect((await submit({ id: 'not an id' })).statusCode).toBe(400);
    expect(
      (await call('/api/papers', { method: 'POST', url: '/api/papers', payload: { id: PAPER } })).statusCode,
    ).toBe(401);
  });

  it('every documented operation was seen answering successfully', () => {
    const all = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(all.filter((op) => !succeeded.has(op))).toEqual([]);
  });
});
