// Atom 1.0 (RFC 4287). Titles and summaries are type="text", so readers never read them as HTML.
import type { FeedDocument, FeedEntry } from './feed-document.ts';
import { element, textElement, XML_DECLARATION } from './xml.ts';

function entry(e: FeedEntry): string {
  return element('entry', {}, [
    textElement('title', e.title, { type: 'text' }),
    textElement('id', e.id),
    element('link', { rel: 'alternate', type: 'text/html', href: e.url }),
    e.externalUrl ? element('link', { rel: 'related', type: 'text/html', href: e.externalUrl }) : '',
    textElement('published', e.published),
    textElement('updated', e.updated),
    ...e.authors.map((name) => element('author', {}, [textElement('name', name)])),
    ...e.categories.map((c) => element('category', { term: c.term, label: c.label })),
    textElement('summary', e.summary, { type: 'text' }),
  ]);
}

export function renderAtom(feed: FeedDocument): string {
  const root = element('feed', { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': 'en' }, [
    textElement('title', feed.title, { type: 'text' }),
    textElement('subtitle', feed.description, { type: 'text' }),
    textElement('id', feed.selfUrl('atom')),
    element('link', { rel: 'self', type: 'application/atom+xml', href: feed.selfUrl('atom') }),
    element('link', { rel: 'alternate', type: 'text/html', href: feed.pageUrl }),
    textElement('updated', feed.updated),
    // Atom wants an author for every entry; papers known only by an author count inherit this one.
    element('author', {}, [textElement('name', 'paperboy')]),
    textElement('generator', 'paperboy'),
    ...feed.entries.map((e) => `\n${entry(e)}`),
    '\n',
  ]);
  return `${XML_DECLARATION}${root}\n`;
}
