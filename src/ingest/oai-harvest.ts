// Incremental, resumable OAI-PMH harvests of arXiv into the PaperSink.
//
// Crash safety: each page's papers and the checkpoint that points past that page (the next
// resumptionToken with the harvest's parameters) commit in ONE transaction, so a process killed at
// any moment resumes exactly where the stored data ends. The last page commits together with the
// end of the harvest: the token is cleared and the `from` of the next incremental harvest recorded.
//
// OAI errors as the protocol defines them: noRecordsMatch is an empty, successful harvest (the
// client returns an empty page); badResumptionToken means the token expired, so the harvest restarts
// from its checkpointed `from` (pages stored again are upserts, hence idempotent); badArgument,
// badVerb, cannotDisseminateFormat and the rest are errors. HTTP 503 + Retry-After is retried by
// PoliteHttpClient below the client.
//
// Deleted records (<header status="deleted">) are counted and skipped, never applied: arXiv
// withdraws papers by new versions, and removing stored data on a harvester's say-so is not wanted.
import type { IncomingPaper, StoreResult } from './paper-sink.ts';
import type { ArxivOaiFormat, ParsedOaiPaper } from './oai-arxiv-formats.ts';
import { OaiRecordError, parseArxivOaiMetadata } from './oai-arxiv-formats.ts';
import type { OaiPage, OaiPmhClient, OaiRecord } from './oai-pmh.ts';
import { OaiError } from './oai-pmh.ts';

/** The ingest_state row that holds every OAI-PMH harvest's checkpoint. */
export const OAI_CHECKPOINT = 'oai-pmh';

export interface HarvestParams {
  format: ArxivOaiFormat;
  /** OAI set, e.g. "cs" or "physics:hep-th"; null harvests all of arXiv. */
  set: string | null;
  /** Inclusive datestamp bounds, YYYY-MM-DD. */
  from: string;
  until: string | null;
}

/** Harvest-wide counts, kept in the checkpoint so a resumed harvest reports the whole harvest. */
export interface HarvestCounts {
  records: number;
  deleted: number;
  invalid: number;
}

export interface ActiveHarvest {
  params: HarvestParams;
  /** Enter new papers into the daily list of their datestamp. */
  list: boolean;
  /** Token of the next page; null when the next request is the first page. */
  resumptionToken: string | null;
  pages: number;
  /** responseDate of the first page: the next incremental harvest starts from its day. */
  firstResponseDate: string | null;
  /** Restarts after an expired resumptionToken. */
  restarts: number;
  counts: HarvestCounts;
}

export interface OaiHarvestState {
  /** Per "format|set": the `from` of the next incremental harvest. */
  nextFrom: Record<string, string>;
  /** The harvest in progress; null when none is. */
  active: ActiveHarvest | null;
}

export interface StartRequest {
  format: ArxivOaiFormat;
  set: string | null;
  /** Omitted: continue from where the last harvest of this set and format ended. */
  from?: string | null;
  until?: string | null;
  list?: boolean;
}

export interface PageReport {
  page: number;
  url: string;
  records: number;
  stored: StoreResult;
  /** Identifiers of deleted records, skipped. */
  deleted: string[];
  invalid: { identifier: string; reason: string }[];
  resumptionToken: string | null;
  completeListSize: number | null;
}

export interface HarvestSummary extends HarvestCounts {
  params: HarvestParams;
  pages: number;
  restarts: number;
  /** What this process stored (an interrupted run's share is not included). */
  stored: StoreResult;
  /** Where the next incremental harvest of this set and format starts. */
  nextFrom: string | null;
}

export interface OaiSink {
  store(batch: IncomingPaper[], checkpoint?: { source: string; state: unknown }): Promise<StoreResult>;
  checkpoint<T>(source: string): Promise<T | null>;
}

export interface HarvestEvents {
  page?(report: PageReport): void;
  note?(message: string): void;
}

/** Errors about the request itself: retrying the same harvest cannot help. */
const REQUEST_ERRORS = new Set(['badArgument', 'badVerb', 'cannotDisseminateFormat', 'noSetHierarchy']);
/** A new paper is listed when OAI reports it within this many days of its v1 submission. */
const LISTING_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

export class OaiHarvester {
  constructor(
    private readonly client: OaiPmhClient,
    private readonly sink: OaiSink,
    private readonly events: HarvestEvents = {},
    private readonly maxRestarts = 3,
  ) {}

  async state(): Promise<OaiHarvestState> {
    const saved = await this.sink.checkpoint<OaiHarvestState>(OAI_CHECKPOINT);
    return { nextFrom: saved?.nextFrom ?? {}, active: saved?.active ?? null };
  }

  /** Starts a harvest; refuses while an interrupted one is pending (resume() finishes that). */
  async start(request: StartRequest): Promise<HarvestSummary> {
    const state = await this.state();
    if (state.active) {
      throw new Error(
        `an interrupted harvest is pending (${describeHarvest(state.active)}); ` +
          "resume it first with 'paperboy ingest oai --resume'",
      );
    }
    const key = harvestKey(request.format, request.set);
    const from = request.from ?? state.nextFrom[key];
    if (from === undefined) {
      throw new Error(
        `no earlier harvest of ${describeScope(request.format, request.set)}: ` +
          'give the first day with --from YYYY-MM-DD',
      );
    }
    const until = request.until ?? null;
    checkDay(from, 'from');
    if (until !== null) checkDay(until, 'until');
    if (until !== null && until < from) throw new Error(`until ${until} is before from ${from}`);
    const active: ActiveHarvest = {
      params: { format: request.format, set: request.set, from, until },
      list: request.list ?? false,
      resumptionToken: null,
      pages: 0,
      firstResponseDate: null,
      restarts: 0,
      counts: { records: 0, deleted: 0, invalid: 0 },
    };
    // Stored before the first request, so a harvest killed during its first page can be resumed too.
    await this.save({ ...state, active });
    return this.run(state, active);
  }

  /** Continues the interrupted harvest from its checkpoint. */
  async resume(): Promise<HarvestSummary> {
    const state = await this.state();
    if (!state.active) throw new Error('there is no interrupted OAI-PMH harvest to resume');
    this.events.note?.(`Resuming ${describeHarvest(state.active)}`);
    return this.run(state, state.active);
  }

  private async run(state: OaiHarvestState, first: ActiveHarvest): Promise<HarvestSummary> {
    let current = first;
    const stored: StoreResult = { inserted: 0, updated: 0, unchanged: 0, listed: 0 };
    for (;;) {
      const page = await this.fetch(state, current);
      if (page === 'restart') {
        current = { ...current, resumptionToken: null, restarts: current.restarts + 1 };
        await this.save({ ...state, active: current });
        continue;
      }
      const { batch, deleted, invalid } = this.convert(page, current);
      const next: ActiveHarvest = {
        ...current,
        resumptionToken: page.resumptionToken,
        pages: current.pages + 1,
        firstResponseDate: current.firstResponseDate ?? page.responseDate,
        counts: {
          records: current.counts.records + page.records.length + page.rejected.length,
          deleted: current.counts.deleted + deleted.length,
          invalid: current.counts.invalid + invalid.length,
        },
      };
      const done = page.resumptionToken === null;
      const after = done ? finish(state, next) : { ...state, active: next };
      const result = await this.sink.store(batch, { source: OAI_CHECKPOINT, state: after });
      for (const k of ['inserted', 'updated', 'unchanged', 'listed'] as const) stored[k] += result[k];
      this.events.page?.({
        page: next.pages,
        url: page.url,
        records: page.records.length + page.rejected.length,
        stored: result,
        deleted,
        invalid,
        resumptionToken: page.resumptionToken,
        completeListSize: page.completeListSize,
      });
      if (done) {
        const nextFrom = after.nextFrom[harvestKey(next.params.format, next.params.set)] ?? null;
        return {
          params: next.params,
          pages: next.pages,
          restarts: next.restarts,
          ...next.counts,
          stored,
          nextFrom,
        };
      }
      current = next;
    }
  }

  /** One page, or 'restart' when the token expired and the harvest must begin again from `from`. */
  private async fetch(state: OaiHarvestState, current: ActiveHarvest): Promise<OaiPage | 'restart'> {
    const { format, set, from, until } = current.params;
    try {
      return await this.client.listRecords(
        { metadataPrefix: format, set, from, until },
        current.resumptionToken,
      );
    } catch (err) {
      if (!(err instanceof OaiError)) throw err;
      if (err.code === 'badResumptionToken' && current.resumptionToken !== null) {
        if (current.restarts >= this.maxRestarts) {
          throw new Error(`${err.message}; gave up after ${current.restarts} restarts of the harvest`);
        }
        this.events.note?.(
          `The resumptionToken was refused (${err.detail}); restarting the harvest from ${from}. ` +
            'Pages stored already are stored again, which is idempotent.',
        );
        return 'restart';
      }
      if (REQUEST_ERRORS.has(err.code) && current.pages === 0 && current.resumptionToken === null) {
        // The request itself is wrong: keep no pending harvest that could only fail the same way.
        await this.save({ ...state, active: null });
      }
      throw err;
    }
  }

  private convert(page: OaiPage, current: ActiveHarvest) {
    const batch: IncomingPaper[] = [];
    const deleted: string[] = [];
    const invalid = page.rejected.map((r) => ({
      identifier: r.identifier ?? `record ${r.position} of ${page.url}`,
      reason: r.reason,
    }));
    for (const record of page.records) {
      if (record.deleted) {
        deleted.push(record.identifier);
        continue;
      }
      try {
        const parsed = parseRecord(record, current.params.format);
        const listing = current.list ? listingFor(parsed, record.datestamp) : undefined;
        batch.push({ record: parsed.record, extras: { source: 'arxiv' }, ...(listing ? { listing } : {}) });
      } catch (err) {
        if (!(err instanceof OaiRecordError)) throw err;
        invalid.push({ identifier: record.identifier, reason: err.message });
      }
    }
    return { batch, deleted, invalid };
  }

  private save(state: OaiHarvestState): Promise<StoreResult> {
    return this.sink.store([], { source: OAI_CHECKPOINT, state });
  }
}

function parseRecord(record: OaiRecord, format: ArxivOaiFormat): ParsedOaiPaper {
  const metadata = record.metadata!;
  if (metadata.format !== format) {
    throw new OaiRecordError(
      `record ${record.identifier}: metadata is <${metadata.format}>, expected <${format}>`,
    );
  }
  return parseArxivOaiMetadata(format, metadata.element, record.identifier);
}

/**
 * A paper OAI reports for the first time: one version, and a datestamp within a week of its v1
 * (older papers also reappear whenever arXiv touches their metadata; those are not new).
 */
function listingFor(parsed: ParsedOaiPaper, datestamp: string): IncomingPaper['listing'] {
  const { versions } = parsed.record;
  if (versions.length !== 1 || parsed.updatedOn !== null) return undefined;
  const age = Date.parse(`${datestamp}T00:00:00.000Z`) - Date.parse(versions[0]!.submittedAt.slice(0, 10));
  if (Number.isNaN(age) || age < 0 || age > LISTING_WINDOW_DAYS * DAY_MS) return undefined;
  return { day: datestamp, listedAt: `${datestamp}T00:00:00.000Z` };
}

/**
 * The state after the last page: no active harvest, and the next incremental `from` moved to where
 * this harvest ended, but only when it covered the stretch from the previous `from` without a gap
 * (a harvest of an old window must not move it backwards, one that starts later must not skip ahead).
 */
function finish(state: OaiHarvestState, done: ActiveHarvest): OaiHarvestState {
  const { format, set, from, until } = done.params;
  const key = harvestKey(format, set);
  const answered = done.firstResponseDate!.slice(0, 10);
  const end = until !== null && until < answered ? until : answered;
  const previous = state.nextFrom[key];
  const advance = previous === undefined || (from <= previous && end > previous);
  return { nextFrom: advance ? { ...state.nextFrom, [key]: end } : state.nextFrom, active: null };
}

export function harvestKey(format: ArxivOaiFormat, set: string | null): string {
  return `${format}|${set ?? ''}`;
}

export function describeScope(format: ArxivOaiFormat, set: string | null): string {
  return `${set === null ? 'all sets' : `set ${set}`} in ${format}`;
}

export function describeHarvest(h: ActiveHarvest): string {
  const { format, set, from, until } = h.params;
  const window = until === null ? `from ${from}` : `from ${from} until ${until}`;
  return `harvest of ${describeScope(format, set)} ${window}, ${h.pages} page(s) stored`;
}

function checkDay(day: string, what: string): void {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(day)) {
    throw new Error(`${what} must be a date as YYYY-MM-DD, got "${day}"`);
  }
}
