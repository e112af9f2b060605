// Digest composition at scale: 100,000 subscribers (45,000 daily, 15,000 weekly, 40,000 topic alerts
// over 1,000 distinct queries) on 10,000 papers listed over 30 days. Measured: the digest job's dry
// run for one day, the real code path of `paperboy digest send --dry-run` (load subscriptions, look
// up deliveries, compose every subscriber's message with its signed links), sending nothing.
// Baseline: the naive way, every subscriber's digest searched, rendered and CSS-inlined on its own
// (the composer's cache emptied before each), timed on a sample and scaled to 100,000.
//
// Runs alone: `npx tsx bench/digest-bench.ts` (BENCH_DIGEST_SUBSCRIBERS to change the count).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Insertable } from 'kysely';
import { loadConfig } from '../src/config/config.ts';
import type { SubscriptionsTable } from '../src/db/schema.ts';
import { seededRandom } from '../src/domain/demo-plan.ts';
import { periodOfDay } from '../src/domain/digest-schedule.ts';
import type { SubscriptionKind } from '../src/domain/digest-schedule.ts';
import { createContainer, loadDemoPapers } from '../src/main/container.ts';
import { loadPapers, PAPERS } from './feed-bench.ts';

export const TARGET_SECONDS = 60;
const SUBSCRIBERS = Number(process.env.BENCH_DIGEST_SUBSCRIBERS ?? 100_000);
const DISTINCT_QUERIES = 1000;
const NAIVE_SAMPLE = 400;
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
  'Europe/London',
];
const STOP = new Set([
  'about',
  'after',
  'their',
  'there',
  'these',
  'which',
  'while',
  'where',
  'using',
  'based',
  'with',
  'from',
  'that',
  'this',
  'into',
  'than',
  'have',
  'been',
  'show',
  'such',
]);

export interface DigestBenchResult {
  subscribers: number;
  byKind: Record<SubscriptionKind, number>;
  distinctQueries: number;
  papers: number;
  day: string;
  seconds: number;
  composed: number;
  empty: number;
  distinctDigests: number;
  naive: { sample: number; seconds: number; perSubscriberMs: number; projectedSeconds: number };
  peakRssMb: number;
  load: number;
}

/** 1,000 distinct topic queries from the demo titles: words, word pairs, phrases, with filters. */
function topicQueries(random: () => number): string[] {
  const words = new Map<string, number>();
  for (const { record } of loadDemoPapers()) {
    for (const w of record.title.toLowerCase().match(/\p{L}{5,}/gu) ?? []) {
      if (!STOP.has(w)) words.set(w, (words.get(w) ?? 0) + 1);
    }
  }
  const vocab = [...words.keys()];
  const pick = () => vocab[Math.floor(random() * vocab.length)]!;
  const queries = new Set<string>();
  while (queries.size < DISTINCT_QUERIES) {
    const r = random();
    if (r < 0.5) queries.add(pick());
    else if (r < 0.75) queries.add(`${pick()} ${pick()}`);
    else if (r < 0.85) queries.add(`"${pick()} ${pick()}"`);
    else if (r < 0.95) queries.add(`${pick()} OR ${pick()}`);
    else queries.add(`${pick()} has:code`);
  }
  return [...queries];
}

async function insertSubscribers(dataDir: string, random: () => number) {
  const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dataDir, PAPERBOY_DEMO: 'off' }));
  const queries = topicQueries(random);
  const byKind: Record<SubscriptionKind, number> = { daily: 0, weekly: 0, topic: 0 };
  const rows: Insertable<SubscriptionsTable>[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const r = random();
    const kind: SubscriptionKind = r < 0.45 ? 'daily' : r < 0.6 ? 'weekly' : 'topic';
    byKind[kind]++;
    rows.push({
      email: `reader${i}@example.org`,
      userId: null,
      kind,
      // Every query has subscribers: the first 1,000 topic alerts take one each.
      query:
        kind === 'topic'
          ? queries[
              byKind.topic <= queries.length ? byKind.topic - 1 : Math.floor(random() * queries.length)
            ]!
          : null,
      deliverHour: Math.floor(random() * 24),
      timeZone: ZONES[Math.floor(random() * ZONES.length)]!,
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      pausedAt: null,
      lastError: null,
      unsubscribedAt: null,
    });
  }
  await container.database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 2000)
      await trx
        .insertInto('subscriptions')
        .values(rows.slice(i, i + 2000))
        .execute();
  });
  await container.close();
  return { byKind, distinctQueries: new Set(rows.filter((r) => r.query).map((r) => r.query)).size };
}

export async function digestBench(): Promise<DigestBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-digest-bench-'));
  try {
    const random = seededRandom(2026);
    log(`digest bench: loading ${PAPERS.toLocaleString('en-US')} papers…`);
    await loadPapers(dataDir, PAPERS);
    const { byKind, distinctQueries } = await insertSubscribers(dataDir, random);
    const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dataDir, PAPERBOY_DEMO: 'off' }));
    try {
      await container.search.rebuildIndex();
      // The latest listing day: a full day of papers, as the morning run after it would send.
      const day = (await container.feeds.latestDay())!;
      log(`digest bench: composing for ${SUBSCRIBERS.toLocaleString('en-US')} subscribers (day ${day})…`);
      const load = os.loadavg()[0]!;
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
      const started = performance.now();
      const report = await container.email.digestJob.run({ dryRun: true, day });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const distinctDigests = new Set(report.planned.map((p) => `${p.digestKey} ${p.subject}`)).size;

      // Naive: each subscriber's digest built from scratch (search, render, inline CSS).
      const subs = await container.database.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '<=', NAIVE_SAMPLE * 5)
        .orderBy('id')
        .execute();
      const sample = subs.filter((_, i) => i % 5 === 0).slice(0, NAIVE_SAMPLE);
      const composer = container.email.composer;
      const naiveStarted = performance.now();
      for (const s of sample) {
        composer.reset();
        const kind = s.kind as SubscriptionKind;
        await composer.compose(
          { id: s.id, email: s.email, kind, query: s.query },
          periodOfDay(kind, day, s.deliverHour, s.timeZone),
        );
      }
      const naiveSeconds = (performance.now() - naiveStarted) / 1000;
      const perSubscriberMs = (naiveSeconds * 1000) / sample.length;
      return {
        subscribers: SUBSCRIBERS,
        byKind,
        distinctQueries,
        papers: PAPERS,
        day,
        seconds,
        composed: report.planned.length,
        empty: report.empty,
        distinctDigests,
        naive: {
          sample: sample.length,
          seconds: naiveSeconds,
          perSubscriberMs,
          projectedSeconds: (perSubscriberMs * SUBSCRIBERS) / 1000,
        },
        peakRssMb: Math.round(peakRss / 2 ** 20),
        load,
      };
    } finally {
      await container.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function digestMarkdown(r: DigestBenchResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const verdict = r.seconds <= TARGET_SECONDS ? 'meets' : 'MISSES';
  return `
## Digest composition (${n(r.subscribers)} subscribers)

The digest job's dry run (\`paperboy digest send --dry-run\`'s code path) for ${r.day} on ${n(r.papers)} papers listed over
30 days: ${n(r.byKind.daily)} daily, ${n(r.byKind.weekly)} weekly and ${n(r.byKind.topic)} topic-alert subscribers over
${n(r.distinctQueries)} distinct queries, in 8 time zones. Counted: loading the subscriptions, looking up their deliveries,
and composing each subscriber's multipart message (HTML with inlined CSS, plain text, signed unsubscribe and manage
links, headers); nothing is sent.

| | subscribers | seconds | ms per subscriber |
|---|---:|---:|---:|
| digest job: each distinct digest composed once (${n(r.distinctQueries + 2)} searched, ${n(r.distinctDigests)} with papers) | ${n(r.subscribers)} | ${r.seconds.toFixed(1)} | ${((r.seconds * 1000) / r.subscribers).toFixed(3)} |
| baseline: every digest searched, rendered and inlined per subscriber (${n(r.naive.sample)} sampled, scaled) | ${n(r.subscribers)} | ${r.naive.projectedSeconds.toFixed(0)} | ${r.naive.perSubscriberMs.toFixed(2)} |

The job ${verdict} the target (≤ ${TARGET_SECONDS} s), ${(r.naive.projectedSeconds / r.seconds).toFixed(0)}× faster than the baseline.
${n(r.composed)} messages composed, ${n(r.empty)} subscriptions had nothing that day (topic alerts without a new match).
Peak RSS ${n(r.peakRssMb)} MiB; 1-minute load average ${r.load.toFixed(1)} at the start on ${os.cpus().length} cores.
`;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await digestBench();
  console.log(digestMarkdown(result));
}
