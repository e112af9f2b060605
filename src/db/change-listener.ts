// One LISTEN connection per process for migration 0010's commit notifications, turned into the
// part of the page cache's change token that other processes move (src/db/postgres-database.ts).
//
// The token must never stay the same while a commit may have gone unseen:
// - each notification moves it (PostgreSQL sends them at commit, so never ahead of the data);
// - while the connection is down, notifications are lost, so every call returns a new token and
//   every request renders afresh (the cache is bypassed, never wrong);
// - once LISTEN is in place again it moves once more, for what was committed meanwhile: pages
//   cached before the outage are not served again.
// Reconnects back off from 100 ms to 5 s. A heartbeat (SELECT 1 every 10 s, 5 s to answer) finds a
// connection that died silently, which would otherwise look alive while hearing nothing.
import pg from 'pg';

export interface ChangeListener {
  /** Moves with every notification and reconnection; a new value on every call while down. */
  token(): string;
  /** Whether LISTEN is in place (for tests and health reports). */
  listening(): boolean;
  close(): Promise<void>;
}

export interface ChangeListenerOptions {
  url: string;
  channel: string;
  /** Told about lost connections and failed reconnects; the listener keeps trying regardless. */
  onError?: (err: unknown) => void;
  /** First and longest pause between reconnection attempts. */
  backoffMs?: { initial: number; max: number };
  /** Notifications sent by these backends (by process id) are not counted. */
  ignoreSender?: (processId: number) => boolean;
  /** Called on each notification, and once LISTEN is in place again (some may have been missed). */
  onNotification?: () => void;
  /**
   * A `SELECT 1` this often on the listening connection; no answer within timeoutMs counts as a lost
   * connection. A connection that died silently (a dropped NAT entry, a frozen network path) would
   * otherwise look alive until TCP keepalive gives up, minutes later, with no notification arriving.
   */
  heartbeatMs?: { every: number; timeout: number };
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number;
}

/** application_name of the LISTEN connection, so operators (and tests) can find it. */
export const LISTENER_APPLICATION_NAME = 'paperboy-changes-listen';

/**
 * Connects and LISTENs before returning, so a fresh handle's token is stable until something
 * commits; if that first attempt fails it keeps trying in the background (tokens meanwhile bypass).
 */
export async function startChangeListener(options: ChangeListenerOptions): Promise<ChangeListener> {
  const { initial, max } = options.backoffMs ?? { initial: 100, max: 5000 };
  const heartbeat = options.heartbeatMs ?? { every: 10_000, timeout: 5000 };
  let generation = 0; // moved by notifications and reconnections
  let bypass = 0; // moved by every token() call while down
  let client: pg.Client | null = null;
  let up = false;
  let stopped = false;
  let delay = initial;
  let retry: NodeJS.Timeout | null = null;
  let beat: NodeJS.Timeout | null = null;

  const lost = (err: unknown, failed: pg.Client) => {
    if (client !== failed) return; // an old connection's late events
    up = false;
    client = null;
    if (beat) clearInterval(beat);
    beat = null;
    void failed.end().catch(() => {}); // with a query pending (the heartbeat), this destroys the socket
    if (stopped) return;
    options.onError?.(err);
    if (retry === null) {
      retry = setTimeout(() => {
        retry = null;
        void connect();
      }, delay);
      retry.unref();
      delay = Math.min(delay * 2, max);
    }
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({
      connectionString: options.url,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
    client = c;
    c.on('notification', (msg) => {
      if (options.ignoreSender?.(msg.processId)) return;
      generation += 1;
      options.onNotification?.();
    });
    c.on('error', (err) => lost(err, c));
    c.on('end', () => lost(new Error('the change listener connection closed'), c));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
    } catch (err) {
      lost(err, c);
      return;
    }
    if (stopped || client !== c) return void (await c.end().catch(() => {}));
    generation += 1; // whatever committed while nobody listened
    up = true;
    delay = initial;
    beat = setInterval(() => {
      const late = setTimeout(
        () => lost(new Error(`the change listener did not answer within ${heartbeat.timeout} ms`), c),
        heartbeat.timeout,
      );
      late.unref();
      c.query('SELECT 1').then(
        () => clearTimeout(late),
        (err: unknown) => {
          clearTimeout(late);
          lost(err, c);
        },
      );
    }, heartbeat.every);
    beat.unref();
    options.onNotification?.();
  };

  await connect();
  return {
    token: () => (up ? `n${generation}` : `down${(bypass += 1)}`),
    listening: () => up,
    async close() {
      stopped = true;
      up = false;
      if (retry) clearTimeout(retry);
      if (beat) clearInterval(beat);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
