// Rate limits on a cluster: two web nodes (two apps, two data directories) on one PostgreSQL
// database count against the same limits, because RATE_LIMIT_STORE=auto keeps the counters in the
// database there. With RATE_LIMIT_STORE=memory the same requests pass: each node counts alone.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cookiesOf, csrfTokenIn, signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, postgresTestsEnabled, resetTestDatabase } from '../helpers/postgres.ts';

const describePg = postgresTestsEnabled() ? describe : describe.skip;
const SECRET_KEY = 'rate-limit-test-secret-key-0123456789abcdef';

describePg('rate limits shared by two web nodes on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
  }, 120_000);
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    await resetTestDatabase(url);
  });
  afterAll(async () => drop?.());

  async function twoNodes(env: Record<string, string>): Promise<[TestApp, TestApp]> {
    const shared = { DATABASE_URL: url, SECRET_KEY, RATE_LIMIT_SIGNIN_PER_EMAIL: '100', ...env };
    apps.push(await createTestApp({ seed: false, env: shared }));
    apps.push(await createTestApp({ seed: false, env: shared }));
    return [apps[0]!, apps[1]!];
  }

  /** Asks each node in turn for a sign-in link (a new address each time), all from one IP address. */
  async function signinsFromOneAddress(nodes: TestApp[], count: number): Promise<LightMyRequestResponse[]> {
    const remoteAddress = '198.51.100.7';
    const form = await nodes[0]!.app.inject({ url: '/signin', remoteAddress });
    const cookie = `pb_csrf=${cookiesOf(form).pb_csrf}`;
    const csrf = csrfTokenIn(form.body);
    const responses: LightMyRequestResponse[] = [];
    for (let i = 0; i < count; i++) {
      responses.push(
        await nodes[i % nodes.length]!.app.inject({
          method: 'POST',
          url: '/signin',
          remoteAddress,
          headers: { cookie },
          payload: { email: `reader${i}@example.org`, _csrf: csrf },
        }),
      );
    }
    return responses;
  }

  it('refuses sign-ins from one address after the limit in total, spread over both nodes', async () => {
    const nodes = await twoNodes({ RATE_LIMIT_SIGNIN_PER_IP: '4' });
    expect(nodes[0].container.config.rateLimits.store).toBe('database');
    const responses = await signinsFromOneAddress(nodes, 7);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 429, 429, 429]);
    // Both nodes tell the same time to wait: the window started on the first request, anywhere.
    const retry = responses.slice(4).map((r) => Number(r.headers['retry-after']));
    expect(Math.min(...retry)).toBeGreaterThan(3500);
    expect(Math.max(...retry)).toBeLessThanOrEqual(3600);
    expect(responses[5]!.body).toContain('Too many requests');

    // One counter for the sign-in route and this address, in the database.
    const rows = await nodes[0].container.database.db.selectFrom('rateLimits').selectAll().execute();
    expect(rows.map((r) => [r.key, r.count])).toEqual([['rl:POST/signin-198.51.100.7signin', 7]]);

    // Another address still gets in, on either node.
    const other = await nodes[1].app.inject({ url: '/signin', remoteAddress: '198.51.100.8' });
    const res = await nodes[1].app.inject({
      method: 'POST',
      url: '/signin',
      remoteAddress: '198.51.100.8',
      headers: { cookie: `pb_csrf=${cookiesOf(other).pb_csrf}` },
      payload: { email: 'elsewhere@example.org', _csrf: csrfTokenIn(other.body) },
    });
    expect(res.statusCode).toBe(200);
  });

  it('counts an account’s writes on both nodes against one limit', async () => {
    const nodes = await twoNodes({ RATE_LIMIT_WRITES: '3' });
    const s = await signInAs(nodes[0], { email: 'writer@example.org' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await nodes[i % 2]!.app.inject({
        method: 'POST',
        url: '/settings/tokens',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload: { name: `token ${i}` },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
  });

  it('counts per node with RATE_LIMIT_STORE=memory (the single-node store)', async () => {
    const nodes = await twoNodes({ RATE_LIMIT_SIGNIN_PER_IP: '4', RATE_LIMIT_STORE: 'memory' });
    const responses = await signinsFromOneAddress(nodes, 7);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(await nodes[0].container.database.db.selectFrom('rateLimits').selectAll().execute()).toEqual([]);
  });
});
