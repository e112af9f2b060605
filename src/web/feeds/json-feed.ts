// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). JSON.stringify escapes; the text is still
// cleaned of characters XML forbids, so the three formats carry the same words.
import type { FeedDocument, FeedEntry } from './feed-document.ts';
import { xmlChars } from './xml.ts';

function item(e: FeedEntry) {
  return {
    id: e.id,
    url: e.url,
    ...(e.externalUrl ? { external_url: e.externalUrl } : {}),
    title: xmlChars(e.title),
    content_text: xmlChars(e.summary),
    date_published: e.published,
    date_modified: e.updated,
    ...(e.authors.length > 0 ? { authors: e.authors.map((name) => ({ name: xmlChars(name) })) } : {}),
    ...(e.categories.length > 0 ? { tags: e.categories.map((c) => c.term) } : {}),
  };
}

export function renderJsonFeed(feed: FeedDocument): string {
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: xmlChars(feed.title),
    description: xmlChars(feed.description),
    home_page_url: feed.pageUrl,
    feed_url: feed.selfUrl('json'),
    language: 'en',
    items: feed.entries.map(item),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
