// Keeps the configured arXiv categories current, following arXiv's announcement rhythm: a poll is due
// shortly after each announcement (Sunday to Thursday, 20:00 US Eastern), and at once on start when
// the last poll is older than the latest announcement. A poll asks for every paper in the categories
// whose newest version is dated since shortly before the previous poll (new papers and replacements:
// a v2 updates its paper), stores them page by page, and enters the new ones into the listing of the
// announcement they came out in. The poll's checkpoint is written only once all pages are stored, so
// a failed or interrupted poll is simply repeated.
import {
  latestAnnouncement,
  listingAnnouncement,
  listingDay,
  nextAnnouncement,
  pollTiming,
} from '../domain/arxiv-announcements.ts';
import type { JobReport } from '../jobs/job.ts';
import type { ArxivApiEntry } from './arxiv-atom.ts';
import type { ArxivApiClient } from './arxiv-api-client.ts';
import { categoryDateQuery } from './arxiv-api-client.ts';
import type { IngestTotals, Listing, PageProgress } from './arxiv-ingest.ts';
import { emptyTotals, storePages } from './arxiv-ingest.ts';
import type { PaperSink } from './paper-sink.ts';

export const POLL_CHECKPOINT = 'arxiv-api:poll';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface PollState {
  lastPollAt: string;
  from: string;
  to: string;
  categories: string[];
  announcement: string;
}

export interface PollReport extends JobReport {
  pages: number;
  entries: number;
  inserted: number;
  updated: number;
  unchanged: number;
  listed: number;
  skipped: number;
  /** The first few skipped entries, "id: reason". */
  skippedEntries: string[];
  /** The lastUpdatedDate window asked for, and the announcement polled after (ISO). */
  from?: string;
  to?: string;
  announcement?: string;
}

export interface ArxivPollerOptions {
  categories: string[];
  /** Results per request; arXiv allows up to 2000, big pages fail more often. */
  pageSize?: number;
  /** How far before the previous poll a poll looks back: papers come out up to days after their
   *  submission (weekends, moderation holds). */
  lookbackMs?: number;
  /** How far back the very first poll looks: enough to cover the latest announcement. */
  firstLookbackMs?: number;
  /** How long after 20:00 Eastern a poll falls due: the API shows an announcement minutes later. */
  delayMs?: number;
  now?: () => Date;
  onPage?: (progress: PageProgress) => void;
}

export class ArxivPoller {
  private readonly pageSize: number;
  private readonly lookbackMs: number;
  private readonly firstLookbackMs: number;
  readonly delayMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: ArxivApiClient,
    private readonly sink: PaperSink,
    private readonly options: ArxivPollerOptions,
  ) {
    if (options.categories.length === 0) throw new Error('ArxivPoller: no categories to poll');
    this.pageSize = options.pageSize ?? 500;
    this.lookbackMs = options.lookbackMs ?? 3 * DAY;
    this.firstLookbackMs = options.firstLookbackMs ?? 4 * DAY;
    this.delayMs = options.delayMs ?? HOUR / 2;
    this.now = options.now ?? (() => new Date());
  }

  private async lastPoll(): Promise<Date | null> {
    const state = await this.sink.checkpoint<PollState>(POLL_CHECKPOINT);
    return state ? new Date(state.lastPollAt) : null;
  }

  /** What the scheduler does at each check: a poll when one is due, else 'skipped'. */
  async runIfDue(signal?: AbortSignal): Promise<PollReport> {
    const timing = pollTiming(await this.lastPoll(), this.now(), this.delayMs);
    if (!timing.due) {
      return report('skipped', emptyTotals(), `next poll due at ${timing.nextDueAt.toISOString()}`);
    }
    return this.pollOnce(signal);
  }

  /** Polls now, whatever the time. Failures come back as a 'failed' report, never thrown. */
  async pollOnce(signal?: AbortSignal): Promise<PollReport> {
    const totals = emptyTotals();
    const now = this.now();
    const last = await this.lastPoll();
    const from = new Date(last ? last.getTime() - this.lookbackMs : now.getTime() - this.firstLookbackMs);
    const latest = latestAnnouncement(now);
    // Papers this poll finds for the first time came out after the previous poll saw the API.
    const earliest = last ? nextAnnouncement(new Date(last.getTime() - this.delayMs)) : null;
    const window = { from: from.toISOString(), to: now.toISOString(), announcement: latest.toISOString() };
    const listing = (entry: ArxivApiEntry): Listing | undefined => {
      const v1 = new Date(entry.record.versions[0]!.submittedAt);
      // A new version of an older paper is an update, not news: it does not enter a listing.
      if (v1.getTime() < from.getTime()) return undefined;
      const at = listingAnnouncement(v1, earliest, latest);
      return { day: listingDay(at), listedAt: at.toISOString() };
    };
    try {
      const query = categoryDateQuery(this.options.categories, 'lastUpdatedDate', from, now);
      const pages = this.client.search(query, {
        pageSize: this.pageSize,
        sortBy: 'lastUpdatedDate',
        sortOrder: 'ascending',
      });
      const common = { listing, now: () => now, onPage: this.options.onPage, signal };
      await storePages(pages, this.sink, common, totals);
      const state: PollState = {
        lastPollAt: now.toISOString(),
        ...window,
        categories: this.options.categories,
      };
      await this.sink.store([], { source: POLL_CHECKPOINT, state }, now);
      return { ...report('success', totals), ...window };
    } catch (err) {
      if (signal?.aborted) return { ...report('skipped', totals, 'stopped'), ...window };
      const reason = `${err instanceof Error ? err.message : String(err)}; stored ${describe(totals)}`;
      return { ...report('failed', totals, reason), ...window };
    }
  }
}

function report(status: PollReport['status'], t: IngestTotals, reason?: string): PollReport {
  return {
    status,
    ...(reason === undefined ? {} : { reason }),
    pages: t.pages,
    entries: t.entries,
    inserted: t.inserted,
    updated: t.updated,
    unchanged: t.unchanged,
    listed: t.listed,
    skipped: t.skipped.length,
    skippedEntries: t.skipped.slice(0, 10).map((s) => `${s.id}: ${s.reason}`),
  };
}

/** "12 new, 3 updated, 0 unchanged, 12 listed, 1 skipped" */
export function describe(t: Pick<IngestTotals, 'inserted' | 'updated' | 'unchanged' | 'listed'>): string {
  return `${t.inserted} new, ${t.updated} updated, ${t.unchanged} unchanged, ${t.listed} listed`;
}
