// Storing what the arXiv API returns: page by page, each page with its listings and checkpoint in
// one transaction (PaperSink), so an import killed at any moment keeps every page it finished and
// resumes after the last one. Shared by the CLI and the poller of `paperboy serve`.
import { announcementOf, listingDay } from '../domain/arxiv-announcements.ts';
import type { ArxivApiEntry, SkippedEntry } from './arxiv-atom.ts';
import type { ArxivApiClient, FetchedPage } from './arxiv-api-client.ts';
import { categoryDateQuery, ID_BATCH } from './arxiv-api-client.ts';
import type { Checkpoint, IncomingPaper, PaperSink, StoreResult } from './paper-sink.ts';

/** PaperExtras.source of papers from the API. */
export const PAPER_SOURCE = 'arxiv';
/** Checkpoint of an interrupted `ingest arxiv --from/--to` run. */
export const RANGE_CHECKPOINT = 'arxiv-api:range';

export interface Listing {
  day: string;
  listedAt: string;
}

export interface PageProgress {
  page: number;
  start: number;
  totalResults: number | null;
  entries: number;
  stored: StoreResult;
  skipped: SkippedEntry[];
}

export interface IngestTotals {
  pages: number;
  /** Entries received, skipped ones and repeats included. */
  entries: number;
  inserted: number;
  updated: number;
  unchanged: number;
  listed: number;
  skipped: SkippedEntry[];
}

export interface StorePagesOptions {
  listing(entry: ArxivApiEntry): Listing | undefined;
  checkpoint?(page: FetchedPage): Checkpoint | undefined;
  now(): Date;
  onPage?(progress: PageProgress): void;
  signal?: AbortSignal;
}

export const emptyTotals = (): IngestTotals => ({
  pages: 0,
  entries: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  listed: 0,
  skipped: [],
});

/** The listing of the announcement a paper's v1 went out in (by arXiv's schedule). */
export function announcementListing(entry: ArxivApiEntry): Listing {
  const at = announcementOf(new Date(entry.record.versions[0]!.submittedAt));
  return { day: listingDay(at), listedAt: at.toISOString() };
}

export function toIncoming(entry: ArxivApiEntry, listing: Listing | undefined): IncomingPaper {
  return { record: entry.record, extras: { source: PAPER_SOURCE }, ...(listing ? { listing } : {}) };
}

/**
 * Stores each page as it arrives. `totals` is filled in place, so a caller whose run fails half-way
 * can still say what was stored. A paper seen twice in one run (relevance paging overlaps) is stored
 * once.
 */
export async function storePages(
  pages: AsyncIterable<FetchedPage>,
  sink: PaperSink,
  o: StorePagesOptions,
  totals: IngestTotals = emptyTotals(),
): Promise<IngestTotals> {
  const seen = new Set<string>();
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const next = await untilAborted(iterator.next(), o.signal);
    if (next.done) break;
    const page = next.value;
    const fresh = page.entries.filter((e) => !seen.has(e.record.arxivId));
    fresh.forEach((e) => seen.add(e.record.arxivId));
    const stored = await sink.store(
      fresh.map((e) => toIncoming(e, o.listing(e))),
      o.checkpoint?.(page),
      o.now(),
    );
    totals.pages += 1;
    totals.entries += page.entryCount;
    totals.inserted += stored.inserted;
    totals.updated += stored.updated;
    totals.unchanged += stored.unchanged;
    totals.listed += stored.listed;
    totals.skipped.push(...page.skipped);
    o.onPage?.({
      page: totals.pages,
      start: page.start,
      totalResults: page.totalResults,
      entries: page.entryCount,
      stored,
      skipped: page.skipped,
    });
  }
  return totals;
}

/**
 * Ends the wait when `signal` aborts. The request in flight cannot be cancelled (PoliteHttpClient
 * takes no signal); its page is simply never stored.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export interface RangeOptions {
  categories: string[];
  /** First and last UTC day of v1 submission, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  /** Enter the papers into the listing of the day they were announced. */
  list: boolean;
  pageSize: number;
  now(): Date;
  onPage?(progress: PageProgress): void;
}

interface RangeState {
  query: string;
  nextStart: number;
}

/**
 * Imports every paper first submitted in a date range, oldest first. The position after each page
 * is checkpointed with it, so a rerun of the same range after a crash resumes there.
 */
export async function ingestRange(
  client: ArxivApiClient,
  sink: PaperSink,
  o: RangeOptions,
  totals: IngestTotals = emptyTotals(),
): Promise<IngestTotals & { resumedAt: number }> {
  const query = categoryDateQuery(
    o.categories,
    'submittedDate',
    new Date(`${o.from}T00:00:00Z`),
    new Date(`${o.to}T23:59:00Z`),
  );
  const saved = await sink.checkpoint<RangeState>(RANGE_CHECKPOINT);
  const resumedAt = saved?.query === query ? saved.nextStart : 0;
  const pages = client.search(query, {
    pageSize: o.pageSize,
    start: resumedAt,
    sortBy: 'submittedDate',
    sortOrder: 'ascending',
  });
  await storePages(
    pages,
    sink,
    {
      listing: (e) => (o.list ? announcementListing(e) : undefined),
      checkpoint: (page) => ({
        source: RANGE_CHECKPOINT,
        state: { query, nextStart: page.start + page.entryCount } satisfies RangeState,
      }),
      now: o.now,
      onPage: o.onPage,
    },
    totals,
  );
  await sink.clearCheckpoint(RANGE_CHECKPOINT);
  return Object.assign(totals, { resumedAt });
}

/** Looks up and stores papers by id; ids arXiv does not know are reported, not fatal. */
export async function ingestIds(
  client: ArxivApiClient,
  sink: PaperSink,
  ids: string[],
  o: { list: boolean; now(): Date },
): Promise<IngestTotals & { notFound: string[] }> {
  const found = await client.lookup(ids);
  const stored = await sink.store(
    found.entries.map((e) => toIncoming(e, o.list ? announcementListing(e) : undefined)),
    undefined,
    o.now(),
  );
  return {
    pages: Math.ceil(ids.length / ID_BATCH),
    entries: found.entries.length + found.skipped.length,
    ...stored,
    skipped: found.skipped,
    notFound: found.notFound,
  };
}
