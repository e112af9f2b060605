// The faults of the load-and-fault test: when and what is killed with SIGKILL, and restarted.
import type pg from 'pg';
import type { SmtpSink } from '../test/helpers/smtp-sink.ts';
import type { LoadCluster, LoadNode } from './load-cluster.ts';

/** The worker whose lease the running job of `kind` is under (its owner is host:pid:random). */
async function workerRunning(client: pg.Client, kind: string, workers: LoadNode[]): Promise<LoadNode | null> {
  const { rows } = await client.query<{ owner: string }>(
    `SELECT lease_owner AS owner FROM jobs WHERE kind = $1 AND state = 'running'`,
    [kind],
  );
  const pid = Number(rows[0]?.owner.split(':')[1]);
  return workers.find((w) => w.child.pid === pid) ?? null;
}

export interface FaultPlan {
  seconds: number;
  cluster: LoadCluster;
  client: pg.Client;
  sink: SmtpSink;
  web: LoadNode;
  workers: LoadNode[];
  enqueue(kind: string): Promise<void>;
  note(what: string): void;
}

/**
 * At 5% of the run an arXiv poll and a digest run are enqueued (`paperboy jobs run`). When the
 * SMTP sink holds the digest run's third message, the worker running it and one web node are
 * killed (the message is never accepted: the run is cut mid-send) and started again a second
 * later. Should the run not be sending within 15 s of being enqueued, the kill comes then anyway.
 */
export async function faultScript(p: FaultPlan): Promise<void> {
  const ms = p.seconds * 1000;
  const started = performance.now();
  const until = (fraction: number) => sleep(Math.max(0, started + ms * fraction - performance.now()));
  await until(0.05);
  let release: () => void = () => {};
  const restarted = new Promise<void>((resolve) => (release = resolve));
  const sending = new Promise<string>((resolve) => {
    let held = 0;
    p.sink.onHold = async () => {
      held += 1;
      if (held !== 3) return;
      resolve('while the digest run was sending');
      // Held until long after its sender died: the sink has seen the connection close and does not
      // accept the message (the server never said 250), so the run was cut mid-send.
      await restarted;
    };
  });
  await Promise.all([p.enqueue('arxiv-poll'), p.enqueue('digests')]);
  const reason = await Promise.race([sending, sleep(15_000).then(() => 'the digest run was not sending')]);
  const victim = (await workerRunning(p.client, 'digests', p.workers)) ?? p.workers[0]!;
  await Promise.all([p.cluster.kill(victim), p.cluster.kill(p.web)]);
  p.note(`kill -9 ${victim.name} and ${p.web.name} (${reason})`);
  try {
    await sleep(1000);
    await Promise.all([p.cluster.restart(victim), p.cluster.restart(p.web)]);
    p.note(`${victim.name} and ${p.web.name} restarted`);
  } finally {
    p.sink.onHold = null;
    release();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
