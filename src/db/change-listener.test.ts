// Migration 0010's notifications and the change listener that turns them into change tokens: a
// commit anywhere moves every process's token; a rollback and writes to tables no shared page shows
// send nothing; a lost listener connection never lets a token stand still while commits go unseen.
import net from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, expect, it, vi } from 'vitest';
import { describeBackend } from '../../test/helpers/backends.ts';
import { createTestDatabase } from '../../test/helpers/postgres.ts';
import { LISTENER_APPLICATION_NAME, startChangeListener } from './change-listener.ts';
import type { ChangeListener } from './change-listener.ts';
import { openDatabase } from './database.ts';
import type { DatabaseHandle } from './database.ts';
import { CHANGE_CHANNEL } from './migrations/0010-change-notify.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const org = (name: string) => ({ name, fullname: name, createdAt: '2026-11-27T00:00:00.000Z' });

async function testDatabase(): Promise<string> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database.url;
}

async function open(url: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ kind: 'postgres', url });
  cleanups.push(() => handle.close());
  return handle;
}

async function listener(url: string): Promise<ChangeListener> {
  const l = await startChangeListener({ url, channel: CHANGE_CHANNEL, backoffMs: { initial: 50, max: 200 } });
  cleanups.push(() => l.close());
  return l;
}

/**
 * A plain LISTEN client that counts the triggers' notifications (empty payload) until it hears the
 * test's own end marker: notifications arrive in commit order, so by then every earlier one has.
 */
async function recorder(url: string): Promise<{ countUntilEnd(db: DatabaseHandle): Promise<number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  let n = 0;
  let ended = false;
  client.on('notification', (msg) => {
    if (msg.payload === 'end') ended = true;
    else n += 1;
  });
  await client.query(`LISTEN ${CHANGE_CHANNEL}`);
  return {
    async countUntilEnd(db) {
      ended = false;
      await sql`SELECT pg_notify(${CHANGE_CHANNEL}, 'end')`.execute(db.db);
      await vi.waitFor(() => expect(ended).toBe(true), { timeout: 5000, interval: 5 });
      return n;
    },
  };
}

async function terminateListeners(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database()`,
      [LISTENER_APPLICATION_NAME],
    );
    // Terminating is a signal: wait until the backends are gone, so no notification can reach them.
    await vi.waitFor(
      async () => {
        const { rows } = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
          [LISTENER_APPLICATION_NAME],
        );
        expect(Number(rows[0]!.n)).toBe(0);
      },
      { timeout: 5000, interval: 10 },
    );
  } finally {
    await admin.end();
  }
}

/**
 * A TCP proxy in front of the server whose path can freeze: bytes stop flowing both ways and no
 * connection is closed, as when a network path or a NAT entry silently dies.
 */
async function freezableProxy(url: string): Promise<{ url: string; freeze(): void; thaw(): void }> {
  const target = new URL(url);
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    sockets.add(down);
    if (frozen) return; // accepted, never answered
    const up = net.connect(Number(target.port), target.hostname);
    sockets.add(up);
    down.pipe(up).pipe(down);
    const close = () => {
      down.destroy();
      up.destroy();
    };
    down.on('error', close);
    up.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const proxied = new URL(url);
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause(); // nothing read, nothing forwarded, nothing closed
    },
    thaw() {
      frozen = false; // the frozen connections stay dead; new ones go through
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

describeBackend('postgres', 'change notifications (migration 0010)', () => {
  it('moves the token of another process when a write commits there', async () => {
    const url = await testDatabase();
    const writer = await open(url);
    const reader = await open(url);
    const before = reader.changeToken();
    const own = writer.changeToken();
    expect(reader.changeToken()).toBe(before); // nothing committed: pages stay cached
    await writer.db.insertInto('organizations').values(org('acme')).execute();
    await vi.waitFor(() => expect(reader.changeToken()).not.toBe(before), { timeout: 5000, interval: 5 });
    // The writer's own notification does not count (as on SQLite, its writes count through
    // noteWrite when they commit, not a second time a moment later).
    expect(writer.changeToken()).toBe(own);
    writer.noteWrite();
    expect(writer.changeToken()).not.toBe(own);
  });

  it('sends one notification per committed transaction that changed rows, and no other', async () => {
    const url = await testDatabase();
    const db = await open(url);
    await db.db.insertInto('organizations').values(org('base')).execute();
    const heard = await recorder(url);
    await db.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('organizations').values(org('gone')).execute();
        throw new Error('roll back');
      })
      .catch(() => {});
    // A table no shared page shows.
    await sql`INSERT INTO rate_limits (key, count, window_ends_at) VALUES ('k', 1, '2030-01-01T00:00:00.000Z')`.execute(
      db.db,
    );
    // Statements that change no row: an upsert finding its row, an UPDATE and a DELETE matching none.
    await db.db
      .insertInto('organizations')
      .values(org('base'))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await db.db.updateTable('organizations').set({ fullname: 'x' }).where('name', '=', 'nobody').execute();
    await db.db.deleteFrom('organizations').where('name', '=', 'nobody').execute();
    expect(await heard.countUntilEnd(db)).toBe(0);
    // Two tables' worth of statements in one transaction: one message (PostgreSQL folds equal ones).
    await db.db.transaction().execute(async (trx) => {
      await trx.insertInto('organizations').values(org('one')).execute();
      await trx.insertInto('organizations').values(org('two')).execute();
      await trx
        .updateTable('organizations')
        .set({ fullname: 'Two Labs' })
        .where('name', '=', 'two')
        .execute();
    });
    expect(await heard.countUntilEnd(db)).toBe(1);
    await db.db.deleteFrom('organizations').where('name', '=', 'one').execute();
    expect(await heard.countUntilEnd(db)).toBe(2);
  });

  it('bypasses while its connection is down and moves past every old token when back', async () => {
    const url = await testDatabase();
    const writer = await open(url);
    const l = await listener(url);
    expect(l.listening()).toBe(true);
    const before = l.token();
    await terminateListeners(url);
    // A commit nobody hears: only the reconnection can announce it.
    await writer.db.insertInto('organizations').values(org('unheard')).execute();
    await vi.waitFor(() => expect(l.listening()).toBe(false), { timeout: 5000, interval: 5 });
    const down = [l.token(), l.token()];
    expect(down[0]).not.toBe(down[1]); // while down, no page is served from the cache
    expect(down).not.toContain(before);
    await vi.waitFor(() => expect(l.listening()).toBe(true), { timeout: 5000, interval: 10 });
    const after = l.token();
    expect(after).not.toBe(before);
    expect(l.token()).toBe(after); // stable again
    expect(down).not.toContain(after);
  });

  it('notices a connection that died silently through its heartbeat', async () => {
    const url = await testDatabase();
    const proxy = await freezableProxy(url);
    const l = await startChangeListener({
      url: proxy.url,
      channel: CHANGE_CHANNEL,
      backoffMs: { initial: 50, max: 200 },
      heartbeatMs: { every: 100, timeout: 200 },
      connectTimeoutMs: 300,
    });
    cleanups.push(() => l.close());
    expect(l.listening()).toBe(true);
    const before = l.token();
    proxy.freeze();
    // No error, no close: only the unanswered heartbeat tells.
    await vi.waitFor(() => expect(l.listening()).toBe(false), { timeout: 5000, interval: 10 });
    expect(l.token()).not.toBe(l.token());
    proxy.thaw();
    await vi.waitFor(() => expect(l.listening()).toBe(true), { timeout: 5000, interval: 10 });
    expect(l.token()).not.toBe(before);
  });

  it('keeps retrying, backing off, until the server answers again', async () => {
    const url = await testDatabase();
    const errors: unknown[] = [];
    const l = await startChangeListener({
      url: url.replace(/:(\d+)\//, ':1/'), // nothing listens on port 1
      channel: CHANGE_CHANNEL,
      onError: (err) => errors.push(err),
      backoffMs: { initial: 20, max: 40 },
    });
    cleanups.push(() => l.close());
    expect(l.listening()).toBe(false);
    expect(l.token()).not.toBe(l.token());
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 10 });
    await l.close();
    const settled = errors.length;
    await new Promise((r) => setTimeout(r, 100)); // closed: no further attempts
    expect(errors.length).toBe(settled);
  });
});
