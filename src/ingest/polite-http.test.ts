import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSourceError, PoliteHttpClient, parseRetryAfter } from './polite-http.ts';

let server: http.Server;
let base: string;
const hits = new Map<string, number[]>();
const agents: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, [...(hits.get(path) ?? []), Date.now()]);
    agents.push(String(req.headers['user-agent']));
    const n = hits.get(path)!.length;
    if (path === '/ok') return res.end('hello');
    if (path === '/flaky') {
      if (n < 3) {
        res.writeHead(503, { 'retry-after': '0' });
        return res.end('try later');
      }
      return res.end('recovered');
    }
    if (path === '/gone') {
      res.writeHead(404);
      return res.end('no such thing');
    }
    if (path === '/huge') {
      res.writeHead(200);
      return res.end('x'.repeat(5000));
    }
    if (path === '/slow') return setTimeout(() => res.end('late'), 500);
    res.writeHead(500);
    res.end('always broken');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (over: Partial<ConstructorParameters<typeof PoliteHttpClient>[0]> = {}) =>
  new PoliteHttpClient({
    source: 'test source',
    userAgent: 'paperboy-test/1 (+http://localhost)',
    minIntervalMs: 0,
    backoffMs: 10,
    maxAttempts: 4,
    ...over,
  });

describe('PoliteHttpClient', () => {
  it('sends a descriptive User-Agent', async () => {
    const r = await client().get(`${base}/ok`);
    expect(r.body).toBe('hello');
    expect(agents.at(-1)).toBe('paperboy-test/1 (+http://localhost)');
  });

  it('retries 5xx until it succeeds', async () => {
    const r = await client().get(`${base}/flaky`);
    expect(r.body).toBe('recovered');
    expect(hits.get('/flaky')).toHaveLength(3);
  });

  it('gives up after maxAttempts with an error naming the source, status and URL', async () => {
    const err = await client({ maxAttempts: 2 })
      .get(`${base}/broken`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSourceError);
    expect((err as Error).message).toContain('test source: HTTP 500');
    expect((err as Error).message).toContain('/broken');
    expect(hits.get('/broken')).toHaveLength(2);
  });

  it('does not retry a 404', async () => {
    await expect(client().get(`${base}/gone`)).rejects.toThrow(/HTTP 404/);
    expect(hits.get('/gone')).toHaveLength(1);
  });

  it('refuses bodies over the cap', async () => {
    await expect(client({ maxBodyBytes: 1000 }).get(`${base}/huge`)).rejects.toThrow(
      /larger than 1000 bytes/,
    );
  });

  it('times out slow responses and retries them', async () => {
    await expect(client({ timeoutMs: 100, maxAttempts: 2 }).get(`${base}/slow`)).rejects.toThrow(
      /no response within/,
    );
    expect(hits.get('/slow')).toHaveLength(2);
  });

  it('spaces requests by the minimum interval, one at a time', async () => {
    const c = client({ minIntervalMs: 150 });
    await Promise.all([c.get(`${base}/ok`), c.get(`${base}/ok`), c.get(`${base}/ok`)]);
    const times = hits.get('/ok')!.slice(-3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
  });

  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
