// The three feed formats: their media types, how to write each, and the links that announce them.
import type { AlternateLink } from '../views/layout.tsx';
import { renderAtom } from './atom.ts';
import type { FeedDocument, FeedFormat } from './feed-document.ts';
import { renderJsonFeed } from './json-feed.ts';
import { renderRss } from './rss.ts';

export interface FormatInfo {
  contentType: string;
  label: string;
  render: (feed: FeedDocument) => string;
}

export const FEED_FORMATS: Readonly<Record<FeedFormat, FormatInfo>> = {
  rss: { contentType: 'application/rss+xml', label: 'RSS', render: renderRss },
  atom: { contentType: 'application/atom+xml', label: 'Atom', render: renderAtom },
  json: { contentType: 'application/feed+json', label: 'JSON Feed', render: renderJsonFeed },
};

export const FEED_FORMAT_NAMES = Object.keys(FEED_FORMATS) as FeedFormat[];

export function isFeedFormat(ext: string): ext is FeedFormat {
  return Object.hasOwn(FEED_FORMATS, ext);
}

/** A feed's path in one format: "/feeds/search" + "rss" + "?q=x" → "/feeds/search.rss?q=x". */
export function feedPath(path: string, format: FeedFormat, query = ''): string {
  return `${path}.${format}${query ? `?${query}` : ''}`;
}

/** `<link rel="alternate">` tags for feed autodiscovery, one per format. */
export function feedAlternates(title: string, path: string, query = ''): AlternateLink[] {
  return FEED_FORMAT_NAMES.map((format) => ({
    type: FEED_FORMATS[format].contentType,
    title: `${title} (${FEED_FORMATS[format].label})`,
    href: feedPath(path, format, query),
  }));
}

// Feed paths, spelled once for the routes and the pages that link to them.
export const DAILY_FEED = '/feeds/daily';
export const TRENDING_FEED = '/feeds/trending';
export const SEARCH_FEED = '/feeds/search';

export function categoryFeedPath(code: string): string {
  return `/feeds/category/${encodeURIComponent(code)}`;
}

export function authorFeedPath(name: string): string {
  return `/feeds/author/${encodeURIComponent(name)}`;
}

export function organizationFeedPath(name: string): string {
  return `/feeds/org/${encodeURIComponent(name)}`;
}

/** Autodiscovery links of a search page, from its own address ("/search?q=…"). */
export function searchAlternates(pageUrl: string, title: string): AlternateLink[] {
  return feedAlternates(title, SEARCH_FEED, pageUrl.split('?')[1] ?? '');
}

/** The feed of the papers a user submitted. */
export function userFeedPath(handle: string): string {
  return `/feeds/user/${encodeURIComponent(handle)}`;
}
