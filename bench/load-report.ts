// The load-and-fault test's report: throughput, p50/p99 latency and error rate per request type,
// the fault timeline and the checks, as Markdown for docs/benchmarks.md (its own section, between
// markers, so `npm run bench` and `npm run loadtest` each rewrite only their own part).
import fs from 'node:fs';
import os from 'node:os';
import type { LoadResult } from './load-run.ts';
import type { RequestType, TypeStats } from './load-users.ts';
import { REQUEST_TIMEOUT_MS, REQUEST_TYPES } from './load-users.ts';

export const SECTION_START = '<!-- load-fault: written by npm run loadtest -->';
export const SECTION_END = '<!-- /load-fault -->';

export interface TypeSummary {
  type: RequestType | 'all';
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  errorRate: number;
  retried: number;
}

/** The q-quantile of sorted values (nearest rank); 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summarize(type: TypeSummary['type'], s: TypeStats, seconds: number): TypeSummary {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const requests = s.ok + s.errors;
  return {
    type,
    requests,
    perSecond: requests / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    errors: s.errors,
    errorRate: requests === 0 ? 0 : s.errors / requests,
    retried: s.retried,
  };
}

export function summaries(result: LoadResult): TypeSummary[] {
  const { stats } = result.record;
  const rows = REQUEST_TYPES.map((t) => summarize(t, stats[t], result.elapsedSeconds));
  const all: TypeStats = {
    latencies: REQUEST_TYPES.flatMap((t) => stats[t].latencies),
    ok: REQUEST_TYPES.reduce((n, t) => n + stats[t].ok, 0),
    errors: REQUEST_TYPES.reduce((n, t) => n + stats[t].errors, 0),
    retried: REQUEST_TYPES.reduce((n, t) => n + stats[t].retried, 0),
    samples: [],
  };
  return [...rows, summarize('all', all, result.elapsedSeconds)];
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const pct = (n: number) => `${(n * 100).toFixed(2)} %`;

export function markdown(
  result: LoadResult,
  run: { users: number; thinkMs: number; writes?: boolean; loadAverage?: number; pageCacheStaleMs?: number },
): string {
  const rows = summaries(result).map(
    (r) =>
      `| ${r.type} | ${r.requests.toLocaleString('en-US')} | ${r.perSecond.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} | ${pct(r.errorRate)} | ${r.retried} |`,
  );
  const cpus = os.cpus();
  const failed = result.checks.filter((c) => !c.ok);
  const samples = REQUEST_TYPES.flatMap((t) => result.record.stats[t].samples.map((s) => `- ${t}: ${s}`));
  return `${SECTION_START}
## Load and fault test (2 web nodes, 2 workers, 1 PostgreSQL)

Written by \`npm run loadtest\` (bench/load-fault.ts) on ${new Date().toISOString()}: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}, everything on one machine (PostgreSQL, the nodes, the load generator)${run.loadAverage === undefined ? '' : `; load average ${run.loadAverage.toFixed(1)} before the run (other work on the machine)`}.
${run.users} virtual users for ${result.elapsedSeconds.toFixed(0)} s (each: ${run.writes === false ? 'browse 75 %, search 25 %, no writes (LOAD_WRITES=off)' : 'browse 60 %, search 20 %, vote 12 %, comment 8 %'}, up to ${run.thinkMs} ms think time), round-robin over two \`paperboy serve --no-jobs\` nodes (\`PAGE_CACHE_STALE_MS=${run.pageCacheStaleMs ?? 0}\`), retried on the other node when one is down, as a proxy would (\`retried\`); two \`paperboy worker\` nodes run an arXiv poll (replayed) and a digest run meanwhile. Latency includes retries; errors are non-2xx answers and requests no node answered (within ${REQUEST_TIMEOUT_MS / 1000} s). A comment whose connection broke after it was sent is not resent (it may have been stored, and a proxy would not resend it either): the comments in flight on the killed node are errors.

| request | requests | req/s | p50 ms | p99 ms | errors | error rate | retried |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Faults and jobs:

${result.faults.map((f) => `- ${f.atSeconds.toFixed(1)} s: ${f.what}`).join('\n')}
- after the load: ${result.jobs.map((j) => `${j.kind} #${j.id} ${j.state} after ${j.attempts} attempt${j.attempts === 1 ? '' : 's'}`).join(', ')}

Checks (${failed.length === 0 ? 'all passed' : `${failed.length} FAILED`}):

${result.checks.map((c) => `- ${c.ok ? 'passed' : 'FAILED'}: ${c.name}: ${c.detail}`).join('\n')}
${samples.length > 0 ? `\nFirst errors seen:\n\n${samples.join('\n')}\n` : ''}${SECTION_END}
`;
}

/** The load-and-fault section of a document, or '' (`npm run bench` keeps it when it rewrites the rest). */
export function sectionOf(doc: string): string {
  const start = doc.indexOf(SECTION_START);
  const end = doc.indexOf(SECTION_END);
  return start >= 0 && end > start ? `${doc.slice(start, end + SECTION_END.length)}\n` : '';
}

/** Puts the section into the document: in place of an earlier one, or at the end. */
export function withSection(doc: string, section: string): string {
  const start = doc.indexOf(SECTION_START);
  const end = doc.indexOf(SECTION_END);
  if (start >= 0 && end > start) {
    return doc.slice(0, start) + section.trimEnd() + doc.slice(end + SECTION_END.length);
  }
  return `${doc.trimEnd()}\n\n${section}`;
}

export function writeSection(file: string, section: string): void {
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  fs.writeFileSync(file, withSection(doc, section));
}
