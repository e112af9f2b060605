// The feeds: papers of a day, an ISO week, a month, and trending.
import {
  addMonths,
  addWeeks,
  isoWeekOf,
  monthOf,
  parseDay,
  parseIsoWeek,
  parseMonth,
} from '../domain/periods.ts';
import type { DayRange } from '../domain/periods.ts';
import type { ListingRepository, Page, PaperSummary } from '../db/repositories/listing-repository.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

export const PAGE_SIZE = 30;

/** Page size and, for the API, the submitter whose listings to show. */
export interface FeedOptions {
  limit?: number;
  submitter?: string | null;
}
export const MAX_PAGE = 1000;

export type PeriodKind = 'day' | 'week' | 'month';

export interface PeriodFeed {
  kind: PeriodKind;
  /** "2024-10-25", "2024-W43" or "2024-10". */
  period: string;
  range: DayRange;
  /** Nearest earlier and later periods that have papers. */
  previous: string | null;
  next: string | null;
  page: number;
  papers: Page<PaperSummary>;
  /** Papers listed in the whole period. */
  total: number;
}

export interface TrendingFeed {
  page: number;
  papers: Page<PaperSummary>;
}

export class FeedService {
  constructor(private readonly listings: ListingRepository) {}

  /** The newest day that has papers, or null when nothing is listed yet. */
  latestDay(): Promise<string | null> {
    return this.listings.latestDay();
  }

  async day(day: string, page = 0, options: FeedOptions = {}): Promise<PeriodFeed> {
    if (parseDay(day) === null) throw new NotFoundError(`"${day}" is not a date (YYYY-MM-DD)`);
    return this.period('day', day, { start: day, end: day }, page, (d) => d, options);
  }

  async week(week: string, page = 0, options: FeedOptions = {}): Promise<PeriodFeed> {
    const range = parseIsoWeek(week);
    if (!range) throw new NotFoundError(`"${week}" is not an ISO week (YYYY-Www)`);
    return this.period('week', week, range, page, isoWeekOf, options);
  }

  async month(month: string, page = 0, options: FeedOptions = {}): Promise<PeriodFeed> {
    const range = parseMonth(month);
    if (!range) throw new NotFoundError(`"${month}" is not a month (YYYY-MM)`);
    return this.period('month', month, range, page, monthOf, options);
  }

  async trending(page = 0, options: FeedOptions = {}): Promise<TrendingFeed> {
    checkPage(page);
    const limit = options.limit ?? PAGE_SIZE;
    return { page, papers: await this.listings.trending(limit, page * limit, options.submitter ?? null) };
  }

  /** The week or month containing a day, for links between views. */
  static periodOf(kind: PeriodKind, day: string): string {
    return kind === 'day' ? day : kind === 'week' ? isoWeekOf(day) : monthOf(day);
  }

  static step(kind: Exclude<PeriodKind, 'day'>, period: string, n: number): string {
    return kind === 'week' ? addWeeks(period, n) : addMonths(period, n);
  }

  private async period(
    kind: PeriodKind,
    period: string,
    range: DayRange,
    page: number,
    label: (day: string) => string,
    options: FeedOptions,
  ): Promise<PeriodFeed> {
    checkPage(page);
    const limit = options.limit ?? PAGE_SIZE;
    const submitter = options.submitter ?? null;
    const [papers, adjacent, total] = await Promise.all([
      this.listings.rankedBetween(range.start, range.end, limit, page * limit, submitter),
      this.listings.adjacentDays(range.start, range.end),
      this.listings.countBetween(range.start, range.end, submitter),
    ]);
    return {
      kind,
      period,
      range,
      previous: adjacent.previous ? label(adjacent.previous) : null,
      next: adjacent.next ? label(adjacent.next) : null,
      page,
      papers,
      total,
    };
  }
}

function checkPage(page: number): void {
  if (!Number.isInteger(page) || page < 0 || page > MAX_PAGE) {
    throw new InvalidInputError(`page must be a whole number from 0 to ${MAX_PAGE}`, 'p');
  }
}
