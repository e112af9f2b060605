// The visible side of feeds and exports: "Subscribe: RSS · Atom · JSON Feed — Export: BibTeX · RIS".
import { FEED_FORMAT_NAMES, FEED_FORMATS, feedPath } from './formats.ts';

export interface SyndicationLinksProps {
  /** A feed path without extension ("/feeds/daily"), when the list has a feed. */
  feed?: string;
  /** The list's path without extension ("/papers/date/2026-11-27"), when it can be exported. */
  exportPath?: string;
  /** Query string both keep, without "?". */
  query?: string;
}

export function SyndicationLinks({ feed, exportPath, query = '' }: SyndicationLinksProps) {
  const suffix = query ? `?${query}` : '';
  return (
    <p class="syndication-links">
      {feed ? (
        <>
          Subscribe:{' '}
          {FEED_FORMAT_NAMES.map((format, i) => (
            <>
              {i > 0 ? ' · ' : ''}
              <a href={feedPath(feed, format, query)} type={FEED_FORMATS[format].contentType}>
                {FEED_FORMATS[format].label}
              </a>
            </>
          ))}
        </>
      ) : null}
      {feed && exportPath ? ' — ' : null}
      {exportPath ? (
        <>
          Export: <a href={`${exportPath}.bib${suffix}`}>BibTeX</a> ·{' '}
          <a href={`${exportPath}.ris${suffix}`}>RIS</a>
        </>
      ) : null}
    </p>
  );
}

/** "Cite: BibTeX · RIS · Markdown" for one paper. */
export function CiteLinks({ path }: { path: string }) {
  return (
    <p class="cite-links">
      Cite: <a href={`${path}.bib`}>BibTeX</a> · <a href={`${path}.ris`}>RIS</a> ·{' '}
      <a href={`${path}.md`}>Markdown</a>
    </p>
  );
}
