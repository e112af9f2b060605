// Foundation benchmark: 10,000 papers in a temporary data dir, the real server in its own process,
// autocannon at 50 connections against `/` and a paper page. Baseline in the same run: a bare
// node:http server sending the same bytes, i.e. the ceiling of this machine for that response.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { h } from 'preact';
import { loadConfig } from '../src/config/config.ts';
import { plausibleUpvotes, seededRandom, demoSlots } from '../src/domain/demo-plan.ts';
import { formatDay } from '../src/domain/periods.ts';
import { createContainer, loadDemoPapers } from '../src/main/container.ts';
import { ListingRepository } from '../src/db/repositories/listing-repository.ts';
import { PaperRepository } from '../src/db/repositories/paper-repository.ts';
import { exitOf, startServer } from '../test/helpers/cli.ts';
import { renderDocument } from '../src/web/render.ts';
import { PeriodFeedPage } from '../src/web/views/feed-page.tsx';

export interface LoadResult {
  label: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export const PAPERS = 10_000;
const CONNECTIONS = 50;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

/** Loads `count` papers built from the real demo records under fresh ids; returns seconds taken. */
export async function loadPapers(dataDir: string, count: number): Promise<number> {
  const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dataDir }));
  const papers = new PaperRepository(container.database);
  const listings = new ListingRepository(container.database);
  const demo = loadDemoPapers();
  const random = seededRandom(7);
  const now = new Date();
  const slots = demoSlots(count, formatDay(now.getTime()), 30, now, random);
  const started = performance.now();
  for (let i = 0; i < count; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 500); j++) {
      const base = demo[j % demo.length]!;
      const round = Math.floor(j / demo.length);
      batch.push({
        record: {
          ...base.record,
          arxivId: `2611.${String(j).padStart(5, '0')}`,
          title: round === 0 ? base.record.title : `${base.record.title} (${round})`,
        },
        extras: { ...base.extras, importedUpvotes: plausibleUpvotes(random) },
      });
    }
    await papers.upsertMany(batch, now.toISOString());
    await listings.addMany(batch.map((b, k) => ({ paperId: b.record.arxivId, ...slots[i + k]! })));
  }
  const seconds = (performance.now() - started) / 1000;
  await container.close();
  return seconds;
}

export async function measure(label: string, url: string): Promise<LoadResult> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  return {
    label,
    requestsPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/**
 * The same bytes from a bare node:http server in its own process (like paperboy's, so autocannon
 * does not share its core): the machine's ceiling for this response.
 */
async function bareServer(body: string, dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const file = path.join(dir, 'baseline.html');
  fs.writeFileSync(file, body);
  const script = `
    const body = require('node:fs').readFileSync(${JSON.stringify(file)});
    const server = require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      child.kill('SIGTERM');
      await exitOf(child);
    },
  };
}

/** Median and p99 of rendering `/` with no page cache: the cost after every write. */
async function uncachedRender(dataDir: string): Promise<{ p50: number; p99: number }> {
  const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dataDir }));
  try {
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      const day = (await container.feeds.latestDay())!;
      const feed = await container.feeds.day(day, 0);
      renderDocument(h(PeriodFeedPage, { feed, canonical: 'http://localhost/' }));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Number(times[Math.floor(q * (times.length - 1))]!.toFixed(2));
    return { p50: at(0.5), p99: at(0.99) };
  } finally {
    await container.close();
  }
}

export interface FeedBenchResult {
  uncached: { p50: number; p99: number };
  loadSeconds: number;
  results: LoadResult[];
  homeBytes: number;
}

export async function feedBench(): Promise<FeedBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-'));
  try {
    const loadSeconds = await loadPapers(dataDir, PAPERS);
    const uncached = await uncachedRender(dataDir);
    const port = 30000 + Math.floor(Math.random() * 20000);
    const { child } = await startServer({
      PAPERBOY_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PAPERBOY_DEMO: 'off',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const home = await fetchText(`${base}/`);
      const bare = await bareServer(home, dataDir);
      const results: LoadResult[] = [];
      try {
        results.push(await measure('baseline: node:http, same bytes as /', bare.url));
      } finally {
        await bare.close();
      }
      results.push(await measure('paperboy /', `${base}/`));
      results.push(await measure('paperboy /papers/2611.00001', `${base}/papers/2611.00001`));
      results.push(await measure('paperboy /papers/trending', `${base}/papers/trending`));
      return { uncached, loadSeconds, results, homeBytes: Buffer.byteLength(home) };
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
