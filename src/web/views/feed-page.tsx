import type { PaperSummary, Page } from '../../db/repositories/listing-repository.ts';
import type { PeriodFeed, PeriodKind, TrendingFeed } from '../../services/feed-service.ts';
import { FeedService, PAGE_SIZE } from '../../services/feed-service.ts';
import { longDay, monthName, plural, shortDate } from '../format.ts';
import { dayPath, monthPath, weekPath, withPage } from '../paths.ts';
import { DAILY_FEED, feedAlternates, TRENDING_FEED } from '../feeds/formats.ts';
import { SyndicationLinks } from '../feeds/syndication-links.tsx';
import { Layout } from './layout.tsx';
import { PaperCard } from './paper-card.tsx';

const PERIOD_PATH: Record<PeriodKind, (p: string) => string> = {
  day: dayPath,
  week: weekPath,
  month: monthPath,
};
const SECTION = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

export function PeriodFeedPage({ feed, canonical }: { feed: PeriodFeed; canonical: string }) {
  const heading = periodHeading(feed);
  const path = PERIOD_PATH[feed.kind](feed.period);
  // Days offer the daily feed (a reader follows "the daily papers", not one past day); every period exports.
  const dailyFeed = feed.kind === 'day' ? DAILY_FEED : undefined;
  const alternates = dailyFeed ? feedAlternates('Daily papers', dailyFeed) : undefined;
  return (
    <Layout
      title={heading.title}
      section={SECTION[feed.kind]}
      canonical={canonical}
      math
      alternates={alternates}
    >
      <section class="feed" aria-labelledby="feed-heading">
        <div class="feed-header">
          <div>
            <p class="eyebrow">{heading.eyebrow}</p>
            <h1 id="feed-heading">{heading.title}</h1>
            <p class="feed-sub">{heading.sub}</p>
          </div>
          <PeriodTabs feed={feed} />
        </div>
        <nav class="period-nav" aria-label={`Other ${feed.kind}s`}>
          {feed.previous ? (
            <a class="btn" rel="prev" href={PERIOD_PATH[feed.kind](feed.previous)}>
              ← Previous {feed.kind}
            </a>
          ) : (
            <span class="btn btn-disabled" aria-disabled="true">
              ← Previous {feed.kind}
            </span>
          )}
          {feed.next ? (
            <a class="btn" rel="next" href={PERIOD_PATH[feed.kind](feed.next)}>
              Next {feed.kind} →
            </a>
          ) : (
            <span class="btn btn-disabled" aria-disabled="true">
              Next {feed.kind} →
            </span>
          )}
        </nav>
        <PaperList papers={feed.papers} page={feed.page} empty={`No papers were listed this ${feed.kind}.`} />
        <Pager path={path} page={feed.page} hasMore={feed.papers.hasMore} />
        <SyndicationLinks feed={dailyFeed} exportPath={path} />
      </section>
    </Layout>
  );
}

export function TrendingPage({ feed, canonical }: { feed: TrendingFeed; canonical: string }) {
  return (
    <Layout
      title="Trending papers"
      section="trending"
      canonical={canonical}
      math
      alternates={feedAlternates('Trending papers', TRENDING_FEED)}
    >
      <section class="feed" aria-labelledby="feed-heading">
        <div class="feed-header">
          <div>
            <p class="eyebrow">Trending</p>
            <h1 id="feed-heading">Trending papers</h1>
            <p class="feed-sub">Upvotes weighed against age: ten times the upvotes buys two days.</p>
          </div>
        </div>
        <PaperList papers={feed.papers} page={feed.page} empty="Nothing is trending yet." />
        <Pager path="/papers/trending" page={feed.page} hasMore={feed.papers.hasMore} />
        <SyndicationLinks feed={TRENDING_FEED} exportPath="/papers/trending" />
      </section>
    </Layout>
  );
}

export function EmptySitePage() {
  return (
    <Layout title="paperboy" section="daily">
      <section class="empty-state">
        <h1>No papers yet</h1>
        <p>
          This paperboy has no papers. Load the demo data with <code>paperboy seed --demo</code>, or import
          papers from arXiv.
        </p>
      </section>
    </Layout>
  );
}

function PaperList({ papers, page, empty }: { papers: Page<PaperSummary>; page: number; empty: string }) {
  if (papers.items.length === 0) return <p class="empty-state">{empty}</p>;
  return (
    <ol class="paper-list" start={page * PAGE_SIZE + 1}>
      {papers.items.map((paper, i) => (
        <li>
          <PaperCard paper={paper} rank={page * PAGE_SIZE + i + 1} />
        </li>
      ))}
    </ol>
  );
}

function Pager({ path, page, hasMore }: { path: string; page: number; hasMore: boolean }) {
  if (page === 0 && !hasMore) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {page > 0 ? (
        <a class="btn" href={withPage(path, page - 1)}>
          ← Newer page
        </a>
      ) : null}
      <span class="pager-current">Page {page + 1}</span>
      {hasMore ? (
        <a class="btn" href={withPage(path, page + 1)}>
          More papers →
        </a>
      ) : null}
    </nav>
  );
}

function PeriodTabs({ feed }: { feed: PeriodFeed }) {
  const anchorDay = feed.kind === 'day' ? feed.period : feed.range.start;
  const tabs: { kind: PeriodKind; label: string; href: string }[] = [
    { kind: 'day', label: 'Day', href: dayPath(feed.kind === 'day' ? feed.period : anchorDay) },
    { kind: 'week', label: 'Week', href: weekPath(FeedService.periodOf('week', anchorDay)) },
    { kind: 'month', label: 'Month', href: monthPath(FeedService.periodOf('month', anchorDay)) },
  ];
  return (
    <nav class="tabs" aria-label="Period">
      {tabs.map((t) => (
        <a class="tab" href={t.href} aria-current={t.kind === feed.kind ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

function periodHeading(feed: PeriodFeed): { eyebrow: string; title: string; sub: string } {
  const n = plural(feed.total, 'paper');
  if (feed.kind === 'day') return { eyebrow: 'Daily papers', title: longDay(feed.period), sub: n };
  if (feed.kind === 'week') {
    return {
      eyebrow: 'Papers of the week',
      title: `Week ${Number(feed.period.slice(6))}, ${feed.period.slice(0, 4)}`,
      sub: `${shortDate(feed.range.start)} – ${shortDate(feed.range.end)} · ${n}`,
    };
  }
  return { eyebrow: 'Papers of the month', title: monthName(feed.period), sub: n };
}
