// Setting up the load-and-fault test: demo data, users with API tokens and confirmed digest
// subscribers in the database; the configuration every node gets; the replayed arXiv API's answers.
import crypto from 'node:crypto';
import net from 'node:net';
import { loadConfig } from '../src/config/config.ts';
import { createContainer } from '../src/main/container.ts';
import { recordedBody, withoutEntries, withTotal } from '../test/helpers/arxiv-api-server.ts';
import type { Handler } from '../test/helpers/arxiv-api-server.ts';
import type { LoadPlan, VirtualUser } from './load-users.ts';

export const SECRET_KEY = crypto.randomBytes(32).toString('hex');
const QUERIES = [
  'language model',
  'diffusion',
  'graph neural network',
  'quantum',
  'transformer attention',
  'reinforcement learning',
  'galaxy cluster',
  'neutrino',
  'contrastive loss batch size',
  'protein structure',
  'black hole',
  'speech recognition',
];
/** Seconds a worker's job lease lasts: a killed worker's digest run is taken over after this. */
export const LEASE_SECONDS = 3;

/** Category searches of the poller get the recorded 100-result page, then nothing. */
export const replayPoll: Handler = (req) => {
  if (!/Date:\[/.test(req.params.get('search_query') ?? '')) return undefined;
  const page = withTotal(recordedBody('q:testing|0|100'), 100);
  return { body: Number(req.params.get('start') ?? 0) === 0 ? page : withoutEntries(page) };
};

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Demo data, users with API tokens, confirmed daily subscribers; returns what the users need. */
export async function prepare(
  options: { users: number; subscribers: number },
  env: Record<string, string>,
  dataDir: string,
): Promise<{
  users: VirtualUser[];
  subscribers: string[];
  plan: Omit<LoadPlan, 'users' | 'thinkMs' | 'timeoutMs' | 'writes'>;
}> {
  const container = await createContainer(loadConfig({ ...env, PAPERBOY_DATA_DIR: dataDir }));
  try {
    await container.seeder.seedDemo();
    const users: VirtualUser[] = [];
    for (let i = 1; i <= options.users; i++) {
      const { user } = await container.accounts.ensureUser(`load-${i}@example.org`);
      const { token } = await container.accounts.createApiToken(user.id, 'load test');
      users.push({ id: user.id, token });
    }
    // Confirmed three days ago, daily at 00:00 UTC: yesterday's digest is due for all of them.
    const db = container.database.db;
    const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const subscribers = Array.from(
      { length: options.subscribers },
      (_, i) => `subscriber-${i + 1}@example.org`,
    );
    await db
      .insertInto('subscriptions')
      .values(
        subscribers.map((email) => ({
          email,
          userId: null,
          kind: 'daily',
          query: null,
          deliverHour: 0,
          timeZone: 'UTC',
          confirmedAt: since,
          unsubscribedAt: null,
          createdAt: since,
          pausedAt: null,
          lastError: null,
        })),
      )
      .execute();
    const papers = await db
      .selectFrom('papers')
      .select('id')
      .where('hiddenAt', 'is', null)
      .orderBy('id')
      .limit(400)
      .execute();
    const days = await db.selectFrom('listings').select('day').distinct().orderBy('day').execute();
    return {
      users,
      subscribers,
      plan: { paperIds: papers.map((p) => p.id), days: days.map((d) => d.day), queries: QUERIES },
    };
  } finally {
    await container.close();
  }
}
