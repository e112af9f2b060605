// What every feed format says about a list of papers, built once and written as RSS, Atom or JSON Feed.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import { arxivAbsUrl } from '../../domain/arxiv-id.ts';
import { clean } from '../../domain/citation.ts';
import { paperPath } from '../paths.ts';
import { isArxivPaper } from './citable.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FeedEntry {
  /** The paper page's absolute URL: stable for as long as the site's address, and shared by every feed. */
  id: string;
  url: string;
  title: string;
  /** The abstract as plain text (TeX math as written). */
  summary: string;
  authors: string[];
  /** The day the paper was listed here, else its arXiv date. */
  published: string;
  /** The later of `published` and the paper's newest version. */
  updated: string;
  categories: { term: string; label: string | null }[];
  /** The paper's arXiv page, when it has one. */
  externalUrl: string | null;
}

export interface FeedDocument {
  title: string;
  description: string;
  /** The HTML page that shows the same list. */
  pageUrl: string;
  /** The absolute URL of this feed in a given format. */
  selfUrl: (format: FeedFormat) => string;
  /** The newest entry's `updated`, or a fixed time for an empty feed so its ETag stays stable. */
  updated: string;
  entries: FeedEntry[];
}

export interface EntryContext {
  baseUrl: string;
  categoryName: (code: string) => string | null;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

export function feedEntry(paper: PaperDetail, ctx: EntryContext): FeedEntry {
  const url = `${ctx.baseUrl}${paperPath(paper.id)}`;
  const published = paper.listedOn ? `${paper.listedOn}T00:00:00.000Z` : paper.submittedAt;
  return {
    id: url,
    url,
    title: clean(paper.title),
    summary: plainText(paper.abstract),
    authors: paper.authors.map(clean).filter(Boolean),
    published,
    updated: latest([published, paper.updatedAt]),
    categories: paper.categories.map((term) => ({ term, label: ctx.categoryName(term) })),
    externalUrl: isArxivPaper(paper.id) ? arxivAbsUrl(paper.id) : null,
  };
}

export function feedDocument(
  head: Omit<FeedDocument, 'entries' | 'updated'>,
  papers: readonly PaperDetail[],
  ctx: EntryContext,
): FeedDocument {
  const entries = papers.map((p) => feedEntry(p, ctx));
  return { ...head, entries, updated: latest(entries.map((e) => e.updated)) };
}

/** Paragraphs kept, everything else on one line: abstracts come wrapped at arbitrary columns. */
function plainText(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map(clean)
    .filter(Boolean)
    .join('\n\n');
}

function latest(times: readonly string[]): string {
  // ISO-8601 UTC timestamps of one length sort as strings.
  return times.reduce((a, b) => (b > a ? b : a), EPOCH);
}
