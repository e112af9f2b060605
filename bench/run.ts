// `npm run bench`: runs every benchmark and writes docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PAPERS, feedBench } from './feed-bench.ts';
import { searchBench, searchMarkdown } from './search-bench.ts';
import { snapshotBench, snapshotMarkdown } from './snapshot-bench.ts';
import { digestBench, digestMarkdown } from './digest-bench.ts';
import { sectionOf, withSection } from './load-report.ts';

const DOC = path.resolve(import.meta.dirname, '../docs/benchmarks.md');

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  console.log(`Loading ${PAPERS} papers and measuring the feed pages…`);
  const feed = await feedBench();
  const search = await searchBench(); // sizes from BENCH_SEARCH_SIZES, default 100000,1000000
  const baseline = feed.results[0]!;
  const rows = feed.results.map(
    (r) =>
      `| ${r.label} | ${r.requestsPerSec.toLocaleString('en-US')} | ${(r.requestsPerSec / baseline.requestsPerSec).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} |`,
  );
  const home = feed.results[1]!;
  const verdict =
    home.requestsPerSec >= 3000 && home.p99 <= 50
      ? 'meets the target (≥ 3,000 req/s, p99 ≤ 50 ms)'
      : 'MISSES the target (≥ 3,000 req/s, p99 ≤ 50 ms)';
  const text = `# Benchmarks

Written by \`npm run bench\`. Numbers from shared, noisy machines: compare ratios within one run.

- Date: ${new Date().toISOString()}
- Machine: ${machine()}
- Load generator: autocannon, 50 connections, ${process.env.BENCH_SECONDS ?? 10} s per target after a 2 s warm-up, on the same machine (it takes one of the cores)

## Feed pages (${PAPERS.toLocaleString('en-US')} papers)

Loading ${PAPERS.toLocaleString('en-US')} papers with listings took ${feed.loadSeconds.toFixed(1)} s. \`/\` is ${Math.round(feed.homeBytes / 1024)} KiB of HTML.
The baseline is a bare \`node:http\` server sending the same bytes as \`/\`: the ceiling for that response here.

| target | req/s | × baseline | p50 ms | p99 ms | errors |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

\`/\` ${verdict}.

Pages are served from an in-memory cache keyed by the database's change token. After a write, the
next request renders afresh: rendering \`/\` without the cache (query + Preact + KaTeX) takes
${feed.uncached.p50} ms at the median and ${feed.uncached.p99} ms at p99 (300 renders, in-process).
${searchMarkdown(search)}${snapshotMarkdown(await snapshotBench())}${digestMarkdown(await digestBench())}`;
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  // The load-and-fault section is written by `npm run loadtest`: kept as it is.
  const loadSection = fs.existsSync(DOC) ? sectionOf(fs.readFileSync(DOC, 'utf8')) : '';
  fs.writeFileSync(DOC, loadSection ? withSection(text, loadSection) : text);
  console.log(text);
}

await main();
