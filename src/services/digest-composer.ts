// Composes digests: which papers a subscription's period brings, rendered once per distinct
// digest (a day, a week, a topic query on a day) and personalised per subscriber with its signed
// links. Everything derives from the stored data and the period, so composing the same digest
// again (after a crash) gives the same message with the same Message-ID.
import type { ListingRepository } from '../db/repositories/listing-repository.ts';
import type { DigestPaperQueries } from '../db/repositories/digest-papers.ts';
import type { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import type { DuePeriod, SubscriptionKind } from '../domain/digest-schedule.ts';
import { shortDay } from '../domain/digest-schedule.ts';
import type { DigestContent, DigestTemplate } from '../mail/digest-email.tsx';
import { personalise, renderDigest } from '../mail/digest-email.tsx';
import type { MailMessage } from '../mail/mail-transport.ts';
import type { MailTokens } from './mail-tokens.ts';

/** Papers shown in a daily digest and a topic alert; the rest are one link away. */
export const DAILY_LIMIT = 20;
export const WEEKLY_LIMIT = 10;
export const ALERT_LIMIT = 25;

export interface DigestSubscriber {
  id: number;
  email: string;
  kind: SubscriptionKind;
  query: string | null;
}

export interface ComposedDigest {
  message: MailMessage & { messageId: string };
  paperCount: number;
}

/** What topic alerts need of search: strict matches among given papers. */
export interface TopicMatcher {
  matchAmong(query: string, paperIds: string[]): Promise<string[]>;
}

export class DigestComposer {
  private readonly templates = new Map<string, Promise<DigestTemplate | null>>();
  private readonly listed = new Map<string, Promise<string[]>>();
  private readonly host: string;

  constructor(
    private readonly listings: ListingRepository,
    private readonly papers: PaperRepository,
    private readonly digestPapers: DigestPaperQueries,
    private readonly topics: TopicMatcher,
    private readonly tokens: MailTokens,
    private readonly baseUrl: string,
  ) {
    this.host = new URL(baseUrl).hostname || 'paperboy';
  }

  /** Forgets rendered digests: call between runs (the data may have changed). */
  reset(): void {
    this.templates.clear();
    this.listed.clear();
  }

  /** Deterministic per digest and subscription: a resend after a crash carries the same id. */
  messageId(subscriptionId: number, digestKey: string): string {
    return `${digestKey.replace(/[^A-Za-z0-9.-]/g, '-')}.s${subscriptionId}@${this.host}`;
  }

  unsubscribeUrl(subscriptionId: number): string {
    return `${this.baseUrl}/unsubscribe/${this.tokens.sign('unsubscribe', subscriptionId)}`;
  }

  manageUrl(subscriptionId: number): string {
    return `${this.baseUrl}/subscriptions/manage/${this.tokens.sign('manage', subscriptionId)}`;
  }

  /** The subscriber's message for the period, or null when the period brought nothing. */
  async compose(sub: DigestSubscriber, period: DuePeriod): Promise<ComposedDigest | null> {
    const template = await this.template(sub.kind, period, sub.query);
    if (!template) return null;
    const unsubscribeUrl = this.unsubscribeUrl(sub.id);
    const { html, text } = personalise(template, { unsubscribeUrl, manageUrl: this.manageUrl(sub.id) });
    return {
      paperCount: template.paperCount,
      message: {
        to: sub.email,
        subject: template.subject,
        text,
        html,
        messageId: this.messageId(sub.id, period.key),
        headers: {
          'List-Unsubscribe': `<${unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'List-Id': `paperboy ${sub.kind} <${sub.kind}.${this.host}>`,
          // Digests are bulk mail: no vacation auto-replies, please.
          'Auto-Submitted': 'auto-generated',
          Precedence: 'bulk',
        },
      },
    };
  }

  /** The rendered digest shared by every subscriber of the same period (and query). */
  template(kind: SubscriptionKind, period: DuePeriod, query: string | null): Promise<DigestTemplate | null> {
    const key = `${period.key}\u0000${kind === 'topic' ? (query ?? '') : ''}`;
    let t = this.templates.get(key);
    if (!t) {
      t = this.content(kind, period, query).then((c) => (c ? renderDigest(c, this.baseUrl) : null));
      this.templates.set(key, t);
    }
    return t;
  }

  /** The digest's papers and words, or null when there is nothing to send. */
  async content(
    kind: SubscriptionKind,
    period: DuePeriod,
    query: string | null,
  ): Promise<DigestContent | null> {
    if (kind === 'daily') {
      const total = await this.listings.countBetween(period.start, period.end);
      if (total === 0) return null;
      const page = await this.listings.rankedBetween(period.start, period.end, DAILY_LIMIT, 0);
      const day = shortDay(period.start);
      return {
        kind,
        subject: `paperboy daily — ${total} ${total === 1 ? 'paper' : 'papers'} for ${day}`,
        heading: `${total} ${total === 1 ? 'paper' : 'papers'} for ${day}`,
        intro:
          total > page.items.length
            ? `The ${page.items.length} most upvoted of the day's ${total} papers.`
            : 'The papers of the day, most upvoted first.',
        papers: page.items,
        total,
        moreUrl: `${this.baseUrl}/papers/date/${period.start}`,
      };
    }
    if (kind === 'weekly') {
      const total = await this.listings.countBetween(period.start, period.end);
      if (total === 0) return null;
      const page = await this.listings.rankedBetween(period.start, period.end, WEEKLY_LIMIT, 0);
      const range = `${shortDay(period.start)} – ${shortDay(period.end)}`;
      const week = period.key.slice('weekly:'.length);
      return {
        kind,
        subject: `paperboy weekly — top ${page.items.length} of ${total} papers, ${range}`,
        heading: `Top papers of the week, ${range}`,
        intro: `The ${page.items.length} most upvoted of the week's ${total} papers.`,
        papers: page.items,
        total,
        moreUrl: `${this.baseUrl}/papers/week/${week}`,
      };
    }
    if (!query) return null;
    const candidates = await this.listedBetween(period);
    const matching = await this.topics.matchAmong(query, candidates);
    if (matching.length === 0) return null;
    const papers = byUpvotes(await this.papers.summaries(matching)).slice(0, ALERT_LIMIT);
    const n = matching.length;
    const quoted = `“${query.length > 60 ? `${query.slice(0, 59)}…` : query}”`;
    return {
      kind,
      subject: `paperboy alert — ${n} new ${n === 1 ? 'paper' : 'papers'} for ${quoted}`,
      heading: `${n} new ${n === 1 ? 'paper matches' : 'papers match'} ${quoted}`,
      intro:
        period.start === period.end
          ? `Papers listed on ${shortDay(period.start)} that match your topic alert.`
          : `Papers listed from ${shortDay(period.start)} to ${shortDay(period.end)} that match your topic alert.`,
      papers,
      total: n,
      moreUrl: `${this.baseUrl}/search?q=${encodeURIComponent(query)}`,
    };
  }

  private listedBetween(period: DuePeriod): Promise<string[]> {
    const key = `${period.start} ${period.end}`;
    let ids = this.listed.get(key);
    if (!ids) {
      ids = this.digestPapers.listedIdsBetween(period.start, period.end);
      this.listed.set(key, ids);
    }
    return ids;
  }
}

function byUpvotes(papers: PaperSummary[]): PaperSummary[] {
  return [...papers].sort((a, b) => b.upvotes - a.upvotes || a.id.localeCompare(b.id));
}
