// RSS 2.0 (https://www.rssboard.org/rss-specification), with atom:link rel=self as the RSS Best
// Practices Profile asks and one dc:creator per author (RSS's own <author> wants an e-mail address).
import type { FeedDocument, FeedEntry } from './feed-document.ts';
import { element, textElement, XML_DECLARATION, xmlChars } from './xml.ts';

/** RFC 822 dates, as RSS requires: "Tue, 02 Apr 2007 19:18:42 GMT". */
function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Readers treat an RSS description as HTML, so the plain-text abstract is HTML-escaped first and
 * XML-escaped on top: "a < b" reaches the reader as text, never as the start of a tag.
 */
function htmlText(text: string): string {
  return xmlChars(text)
    .replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!)
    .split(/\n\n/)
    .map((p) => `<p>${p}</p>`)
    .join('');
}

function item(entry: FeedEntry): string {
  return element('item', {}, [
    textElement('title', entry.title),
    textElement('link', entry.url),
    textElement('guid', entry.id, { isPermaLink: 'true' }),
    textElement('pubDate', rfc822(entry.published)),
    ...entry.authors.map((a) => textElement('dc:creator', a)),
    ...entry.categories.map((c) => textElement('category', c.term)),
    textElement('description', htmlText(entry.summary)),
  ]);
}

export function renderRss(feed: FeedDocument): string {
  const channel = element('channel', {}, [
    textElement('title', feed.title),
    textElement('link', feed.pageUrl),
    textElement('description', feed.description),
    element('atom:link', { href: feed.selfUrl('rss'), rel: 'self', type: 'application/rss+xml' }),
    textElement('language', 'en'),
    textElement('lastBuildDate', rfc822(feed.updated)),
    textElement('generator', 'paperboy'),
    textElement('docs', 'https://www.rssboard.org/rss-specification'),
    ...feed.entries.map((e) => `\n${item(e)}`),
    '\n',
  ]);
  const rss = element(
    'rss',
    {
      version: '2.0',
      'xmlns:atom': 'http://www.w3.org/2005/Atom',
      'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
    },
    [channel],
  );
  return `${XML_DECLARATION}${rss}\n`;
}
