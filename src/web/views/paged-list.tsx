// Pieces that profile and organization pages share: a plain (unranked) list of paper cards, and a
// pager whose links keep the page's other query parameters (?tab=, ?sort=).
import type { ComponentChildren } from 'preact';
import type { Page } from '../../db/repositories/listing-repository.ts';
import type { PaperSummary } from '../../db/repositories/paper-summaries.ts';
import { PaperCard } from './paper-card.tsx';

export function PaperCards({ papers, empty }: { papers: Page<PaperSummary>; empty: ComponentChildren }) {
  if (papers.items.length === 0) return <p class="empty-state">{empty}</p>;
  return (
    <ul class="paper-list">
      {papers.items.map((paper) => (
        <li>
          <PaperCard paper={paper} />
        </li>
      ))}
    </ul>
  );
}

/** `path?params&p=N`; the first page has no `p`, so it has one address. */
export function pageHref(path: string, params: Record<string, string | null>, page: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  if (page > 0) query.set('p', String(page));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export interface QueryPagerProps {
  path: string;
  /** Query parameters every page keeps; null values are left out. */
  params: Record<string, string | null>;
  page: number;
  hasMore: boolean;
  /** "More papers", "Older comments" … */
  moreLabel?: string;
}

export function QueryPager({ path, params, page, hasMore, moreLabel = 'More' }: QueryPagerProps) {
  if (page === 0 && !hasMore) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {page > 0 ? (
        <a class="btn" rel="prev" href={pageHref(path, params, page - 1)}>
          ← Previous page
        </a>
      ) : null}
      <span class="pager-current">Page {page + 1}</span>
      {hasMore ? (
        <a class="btn" rel="next" href={pageHref(path, params, page + 1)}>
          {moreLabel} →
        </a>
      ) : null}
    </nav>
  );
}
