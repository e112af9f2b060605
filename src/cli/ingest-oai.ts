// `paperboy ingest oai`: harvests arXiv metadata over OAI-PMH (ARXIV_OAI_URL) into the database.
//   --set cs --from 2024-10-01 [--until 2024-10-02] [--format arXivRaw|arXiv] [--list]
//   --set cs                 (no --from: continue from where the last harvest of the set ended)
//   --resume                 finish an interrupted harvest from its checkpoint
// One line per page as it is committed, a summary at the end. A failure exits non-zero; every page
// stored before it stays stored, and `--resume` continues after the last one.
import { Option } from 'commander';
import type { Command } from 'commander';
import { CONFIG_VARIABLES, loadConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import type { ArxivOaiFormat } from '../ingest/oai-arxiv-formats.ts';
import { ARXIV_OAI_FORMATS } from '../ingest/oai-arxiv-formats.ts';
import type { HarvestSummary, PageReport } from '../ingest/oai-harvest.ts';
import { OaiHarvester, describeScope } from '../ingest/oai-harvest.ts';
import { OAI_SOURCE, OaiPmhClient } from '../ingest/oai-pmh.ts';
import { PoliteHttpClient } from '../ingest/polite-http.ts';
import { createContainer } from '../main/container.ts';

interface OaiOptions {
  set?: string;
  from?: string;
  until?: string;
  format: ArxivOaiFormat;
  list?: boolean;
  resume?: boolean;
}

export interface OaiSettings {
  url: string;
  intervalMs: number;
}

/**
 * ARXIV_OAI_URL and ARXIV_OAI_INTERVAL_MS. loadConfig has validated them already; they are read
 * here rather than added to Config so that this command stays self-contained.
 */
export function oaiSettings(env: Record<string, string | undefined>): OaiSettings {
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  const url = CONFIG_VARIABLES.ARXIV_OAI_URL.schema.parse(raw('ARXIV_OAI_URL'));
  const intervalMs = CONFIG_VARIABLES.ARXIV_OAI_INTERVAL_MS.schema.parse(raw('ARXIV_OAI_INTERVAL_MS'));
  // arXiv's own servers get their 3 s; only a mirror or a test server may be asked faster.
  if (new URL(url).hostname.endsWith('arxiv.org') && intervalMs < 3000) {
    throw new Error(
      `ARXIV_OAI_INTERVAL_MS=${intervalMs}: arXiv's terms ask for at least 3000 ms between requests`,
    );
  }
  return { url, intervalMs };
}

export function createOaiClient(config: Config, settings: OaiSettings): OaiPmhClient {
  const http = new PoliteHttpClient({
    source: OAI_SOURCE,
    userAgent: config.ingestUserAgent,
    minIntervalMs: settings.intervalMs,
    // A page of 1,000 arXivRaw records is a few MB and arXiv can be slow to build it.
    timeoutMs: 180_000,
    maxAttempts: 6,
    backoffMs: Math.max(settings.intervalMs, 1000),
    maxBodyBytes: 64 * 1024 * 1024,
  });
  return new OaiPmhClient(settings.url, http);
}

export function registerOaiCommand(ingest: Command): void {
  ingest
    .command('oai')
    .description(
      'harvest arXiv metadata over OAI-PMH (ARXIV_OAI_URL): incremental by --from/--until and --set, ' +
        'checkpointed after every page; --resume continues an interrupted harvest',
    )
    .option('--set <spec>', 'OAI set: cs, math, physics, physics:hep-th, ... (default: all of arXiv)')
    .option('--from <day>', 'first datestamp, YYYY-MM-DD (default: where the last harvest of the set ended)')
    .option('--until <day>', 'last datestamp, YYYY-MM-DD (default: up to now)')
    .addOption(
      new Option('--format <prefix>', 'metadata format; arXivRaw carries the version history')
        .choices([...ARXIV_OAI_FORMATS])
        .default('arXivRaw'),
    )
    .option('--list', 'enter new papers into the daily listing of the day OAI-PMH first reports them')
    .option('--resume', 'continue the interrupted harvest from its checkpoint (takes no other option)')
    .action(async (opts: OaiOptions, command: Command) => {
      await runOaiCommand(opts, command);
    });
}

async function runOaiCommand(opts: OaiOptions, command: Command): Promise<void> {
  if (opts.resume) {
    const given = ['set', 'from', 'until', 'list'].filter((k) => command.getOptionValueSource(k) === 'cli');
    if (command.getOptionValueSource('format') === 'cli') given.push('format');
    if (given.length > 0) {
      throw new Error(`ingest oai: --resume continues the stored harvest; drop --${given.join(', --')}`);
    }
  }
  if (opts.set !== undefined && !/^[A-Za-z][\w.-]*(?::[\w.-]+)*$/.test(opts.set)) {
    throw new Error(
      `ingest oai: --set must be an OAI setSpec such as cs or physics:hep-th, got "${opts.set}"`,
    );
  }
  const config = loadConfig(process.env);
  const client = createOaiClient(config, oaiSettings(process.env));
  const container = await createContainer(config);
  let pages = 0;
  const harvester = new OaiHarvester(client, container.sink, {
    page: (report) => {
      pages++;
      printPage(report);
    },
    note: (message) => console.log(message),
  });
  try {
    const summary = opts.resume
      ? await harvester.resume()
      : await harvester.start({
          format: opts.format,
          set: opts.set ?? null,
          from: opts.from ?? null,
          until: opts.until ?? null,
          list: opts.list === true,
        });
    printSummary(summary);
  } catch (err) {
    const pending = (await harvester.state()).active;
    if (pending && pages > 0) {
      console.error(
        `${pages} page(s) were stored before the failure; \`paperboy ingest oai --resume\` continues.`,
      );
    }
    throw new Error(`ingest oai: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await container.close();
  }
}

function printPage(r: PageReport): void {
  const { inserted, updated, unchanged, listed } = r.stored;
  const of = r.completeListSize === null ? '' : ` (list size ${r.completeListSize})`;
  const next = r.resumptionToken === null ? 'last page' : `next token ${r.resumptionToken}`;
  console.log(
    `page ${r.page}: ${r.records} records${of}: ${inserted} inserted, ${updated} updated, ` +
      `${unchanged} unchanged, ${listed} listed; skipped ${r.deleted.length} deleted, ` +
      `${r.invalid.length} invalid; ${next}`,
  );
  if (r.deleted.length > 0) console.log(`  deleted (skipped): ${r.deleted.join(', ')}`);
  for (const bad of r.invalid) console.error(`  skipped ${bad.identifier}: ${bad.reason}`);
}

function printSummary(s: HarvestSummary): void {
  const { format, set, from, until } = s.params;
  const window = until === null ? `from ${from}` : `from ${from} until ${until}`;
  const { inserted, updated, unchanged, listed } = s.stored;
  const restarts = s.restarts > 0 ? `, restarted ${s.restarts}x after an expired token` : '';
  console.log(
    `OAI-PMH harvest of ${describeScope(format, set)} ${window} done: ` +
      `${s.pages} pages, ${s.records} records ` +
      `(this run: ${inserted} inserted, ${updated} updated, ${unchanged} unchanged, ${listed} listed); ` +
      `skipped ${s.deleted} deleted, ${s.invalid} invalid${restarts}.`,
  );
  if (s.nextFrom !== null) console.log(`The next incremental harvest starts from ${s.nextFrom}.`);
}
