// `paperboy ingest arxiv`: the arXiv API from the command line, one of
//   --ids 2410.17243,hep-th/9901001                    look up papers and store them
//   --categories cs.LG --from 2024-10-20 --to ... --list   every paper first submitted in those days
//   --poll-once                                         what `paperboy serve` does after an announcement
// One line per page as it is stored, a summary at the end; a failure exits non-zero saying what was
// stored before it (stored pages stay stored, and a rerun of a range resumes after them).
import { Option } from 'commander';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { ArxivApiClient } from '../ingest/arxiv-api-client.ts';
import type { IngestTotals, PageProgress } from '../ingest/arxiv-ingest.ts';
import { emptyTotals, ingestIds, ingestRange } from '../ingest/arxiv-ingest.ts';
import type { ArxivPollerOptions } from '../ingest/arxiv-poller.ts';
import { ArxivPoller, describe } from '../ingest/arxiv-poller.ts';
import type { PaperSink } from '../ingest/paper-sink.ts';
import { createContainer } from '../main/container.ts';

interface ArxivOptions {
  ids?: string;
  categories?: string;
  from?: string;
  to?: string;
  list?: boolean;
  pollOnce?: boolean;
  pageSize: string;
  now?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function createArxivClient(config: Config): ArxivApiClient {
  return new ArxivApiClient({
    baseUrl: config.arxiv.apiUrl,
    userAgent: config.ingestUserAgent,
    minIntervalMs: config.arxiv.intervalMs,
  });
}

export function createArxivPoller(
  config: Config,
  sink: PaperSink,
  options: Partial<ArxivPollerOptions> = {},
): ArxivPoller {
  return new ArxivPoller(createArxivClient(config), sink, {
    categories: config.arxiv.categories,
    ...options,
  });
}

export function registerArxivCommand(ingest: Command): void {
  ingest
    .command('arxiv')
    .description(
      'fetch papers from the arXiv API (ARXIV_API_URL): by id, by categories and submission days, ' +
        'or one poll as `paperboy serve` does with ARXIV_POLL=on',
    )
    .option('--ids <ids>', 'comma-separated arXiv ids: 2410.17243, 2410.17243v2, hep-th/9901001')
    .option('--categories <codes>', 'comma-separated categories for --from/--to (default ARXIV_CATEGORIES)')
    .option('--from <day>', 'first day of v1 submission, YYYY-MM-DD (UTC)')
    .option('--to <day>', 'last day of v1 submission, YYYY-MM-DD (UTC; default: --from)')
    .option('--list', 'enter the papers into the daily listing of the day arXiv announced them')
    .option('--poll-once', 'poll ARXIV_CATEGORIES now for what was announced since the last poll')
    .option('--page-size <n>', 'results per API request, 1-2000', '500')
    .addOption(new Option('--now <iso>', 'pretend it is this time (replaying recorded responses)').hideHelp())
    .action(async (opts: ArxivOptions) => {
      await runArxivCommand(opts);
    });
}

async function runArxivCommand(opts: ArxivOptions): Promise<void> {
  const modes = [opts.ids !== undefined, opts.from !== undefined, opts.pollOnce === true];
  if (modes.filter(Boolean).length !== 1) {
    throw new Error('ingest arxiv: give exactly one of --ids, --from (with --to), --poll-once');
  }
  if (opts.from === undefined && (opts.categories !== undefined || opts.to !== undefined)) {
    throw new Error('ingest arxiv: --categories and --to go with --from');
  }
  if (opts.pollOnce && opts.list)
    throw new Error('ingest arxiv: --poll-once always lists new papers; drop --list');
  const pageSize = Number(opts.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2000) {
    throw new Error(`ingest arxiv: --page-size must be 1-2000, got ${opts.pageSize}`);
  }
  const fixedNow = opts.now === undefined ? null : new Date(opts.now);
  if (fixedNow && Number.isNaN(fixedNow.getTime())) throw new Error(`ingest arxiv: bad --now ${opts.now}`);
  const now = () => fixedNow ?? new Date();

  const config = loadConfig(process.env);
  const container = await createContainer(config);
  const totals = emptyTotals();
  try {
    if (opts.ids !== undefined) await runIds(config, container.sink, opts, now);
    else if (opts.pollOnce) await runPoll(config, container.sink, pageSize, now);
    else await runRange(config, container.sink, opts, pageSize, now, totals);
  } catch (err) {
    if (totals.pages > 0) console.error(`Stored before the failure: ${summary(totals)}.`);
    throw err;
  } finally {
    await container.close();
  }
}

async function runIds(config: Config, sink: PaperSink, opts: ArxivOptions, now: () => Date): Promise<void> {
  const ids = splitList(opts.ids!);
  if (ids.length === 0) throw new Error('ingest arxiv: --ids names no id');
  const result = await ingestIds(createArxivClient(config), sink, ids, { list: opts.list === true, now });
  console.log(`arXiv look-up of ${ids.length} id${ids.length === 1 ? '' : 's'}: ${summary(result)}.`);
  if (result.notFound.length > 0) console.log(`Not found on arXiv: ${result.notFound.join(', ')}.`);
  printSkipped(result);
}

async function runRange(
  config: Config,
  sink: PaperSink,
  opts: ArxivOptions,
  pageSize: number,
  now: () => Date,
  totals: IngestTotals,
): Promise<void> {
  const from = opts.from!;
  const to = opts.to ?? from;
  for (const [name, day] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!DAY.test(day) || Number.isNaN(Date.parse(day))) {
      throw new Error(`ingest arxiv: ${name} must be a day, YYYY-MM-DD; got ${day}`);
    }
  }
  if (to < from) throw new Error(`ingest arxiv: --to ${to} is before --from ${from}`);
  const categories = opts.categories ? splitList(opts.categories) : config.arxiv.categories;
  if (categories.length === 0) throw new Error('ingest arxiv: --categories names no category');
  const unknown = categories.filter((c) => categoryName(c) === null);
  if (unknown.length > 0) throw new Error(`ingest arxiv: not arXiv categories: ${unknown.join(', ')}`);
  const client = createArxivClient(config);
  const options = { categories, from, to, list: opts.list === true, pageSize, now, onPage: printPage };
  const result = await ingestRange(client, sink, options, totals);
  const resumed = result.resumedAt > 0 ? ` (resumed at result ${result.resumedAt})` : '';
  console.log(`arXiv ${categories.join(',')} submitted ${from}..${to}${resumed}: ${summary(result)}.`);
  printSkipped(result);
}

async function runPoll(config: Config, sink: PaperSink, pageSize: number, now: () => Date): Promise<void> {
  const poller = createArxivPoller(config, sink, { pageSize, now, onPage: printPage });
  const report = await poller.pollOnce();
  const window = `updated ${report.from} .. ${report.to}, after the announcement of ${report.announcement}`;
  console.log(`arXiv poll of ${config.arxiv.categories.join(',')} (${window}): ${report.status}`);
  console.log(`${describe(report)}, ${report.skipped} skipped, over ${report.pages} pages.`);
  for (const line of report.skippedEntries) console.log(`  skipped ${line}`);
  if (report.status !== 'success') throw new Error(`arXiv poll ${report.status}: ${report.reason}`);
}

function printPage(p: PageProgress): void {
  const total = p.totalResults === null ? '' : ` of ${p.totalResults}`;
  const skipped = p.skipped.length > 0 ? `, ${p.skipped.length} skipped` : '';
  console.log(
    `page ${p.page} (results ${p.start}-${p.start + p.entries}${total}): ${describe(p.stored)}${skipped}`,
  );
}

function printSkipped(t: IngestTotals): void {
  for (const s of t.skipped) console.log(`  skipped ${s.id}: ${s.reason}`);
}

function summary(t: IngestTotals): string {
  return `${t.entries} entries, ${describe(t)}, ${t.skipped.length} skipped`;
}

function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}
