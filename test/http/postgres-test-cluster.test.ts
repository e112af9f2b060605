// The throwaway PostgreSQL cluster the tests use: it starts, answers, stops, and a cluster whose
// test run was killed before its teardown is stopped and removed by the next run's sweep.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeBackend } from '../helpers/backends.ts';
import { startTestCluster, sweepStaleClusters } from '../helpers/postgres.ts';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function answers(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ collate: string }>(
    'select datcollate as collate from pg_database where datname = current_database()',
  );
  await client.end();
  return rows[0]!.collate;
}

describeBackend('postgres', 'test cluster', () => {
  it('starts on loopback with the C locale, and a killed run’s cluster is swept away', async () => {
    const cluster = await startTestCluster();
    const port = Number(new URL(cluster.adminUrl).port);
    const { dir } = cluster;
    try {
      expect(await answers(cluster.adminUrl)).toBe('C');
      expect(await accepts(port)).toBe(true);
      // As if the run that started it had been killed: its owner is a process that has exited.
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      fs.writeFileSync(`${dir}/owner.pid`, String(dead));
      await sweepStaleClusters();
      expect(await accepts(port)).toBe(false);
      expect(fs.existsSync(dir)).toBe(false);
    } finally {
      await cluster.stop();
    }
  });
});
