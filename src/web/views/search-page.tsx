import type { SearchResultItem, SearchResults } from '../../services/search-service.ts';
import { SEARCH_PAGE_SIZE } from '../../services/search-service.ts';
import { highlightHtml } from '../highlight.ts';
import { searchAlternates } from '../feeds/formats.ts';
import { Layout } from './layout.tsx';
import { PaperCard } from './paper-card.tsx';

export interface SearchForm {
  q: string;
  cat: string;
  from: string;
  to: string;
  code: boolean;
  sort: string;
}

export interface SearchPageProps {
  form: SearchForm;
  results: SearchResults | null;
  /** A message about the query itself (an error the reader can fix). */
  error: string | null;
  page: number;
  /** Builds the URL of another page of the same search. */
  pageUrl: (page: number) => string;
}

const SORTS = [
  { value: 'relevance', label: 'Best match' },
  { value: 'newest', label: 'Newest' },
  { value: 'upvotes', label: 'Most upvoted' },
];

export function SearchPage(props: SearchPageProps) {
  const title = props.form.q ? `Search: ${props.form.q}` : 'Search papers';
  return (
    <Layout
      title={title}
      section={null}
      math
      alternates={props.results ? searchAlternates(props.pageUrl(0), title) : undefined}
    >
      <section class="search" aria-labelledby="search-heading">
        <h1 id="search-heading">Search papers</h1>
        <SearchFormView form={props.form} />
        <div id="search-results">
          <SearchResultsView {...props} />
        </div>
      </section>
      <script src="/assets/search.js" defer></script>
    </Layout>
  );
}

function SearchFormView({ form }: { form: SearchForm }) {
  return (
    <form class="search-form" role="search" action="/search" method="get" data-search-form>
      <div class="search-row">
        <label class="visually-hidden" for="search-q">
          Search terms
        </label>
        <input
          id="search-q"
          class="search-input"
          type="search"
          name="q"
          value={form.q}
          placeholder='e.g. diffusion "image editing" -survey author:hinton'
          autocomplete="off"
          maxLength={1000}
          autofocus={!form.q}
        />
        <button class="btn btn-primary" type="submit">
          Search
        </button>
      </div>
      <details
        class="search-filters"
        open={Boolean(form.cat || form.from || form.to || form.code) || undefined}
      >
        <summary>Filters and sorting</summary>
        <div class="filter-grid">
          <label>
            Category
            <input type="text" name="cat" value={form.cat} placeholder="cs.LG or cs.*" maxLength={40} />
          </label>
          <label>
            From year
            <input type="number" name="from" value={form.from} min={1991} max={2100} inputMode="numeric" />
          </label>
          <label>
            To year
            <input type="number" name="to" value={form.to} min={1991} max={2100} inputMode="numeric" />
          </label>
          <label>
            Sort by
            <select name="sort">
              {SORTS.map((s) => (
                <option value={s.value} selected={form.sort === s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label class="checkbox">
            <input type="checkbox" name="code" value="1" checked={form.code} /> Only papers with code
          </label>
        </div>
        <p class="search-help">
          Syntax: <code>"exact phrase"</code> <code>-exclude</code> <code>a OR b</code> <code>title:</code>{' '}
          <code>author:</code> <code>cat:cs.CL</code> <code>year:2024</code> <code>has:code</code>{' '}
          <code>sort:new</code>
        </p>
      </details>
    </form>
  );
}

export function SearchResultsView(props: SearchPageProps) {
  if (props.error) {
    return (
      <p class="search-message" role="alert">
        {props.error}
      </p>
    );
  }
  const r = props.results;
  if (!r)
    return (
      <p class="search-message">Type a few words to search titles, abstracts, authors and categories.</p>
    );
  const first = props.page * SEARCH_PAGE_SIZE + 1;
  return (
    <>
      {r.warnings.map((w) => (
        <p class="search-warning">{w}</p>
      ))}
      {r.items.length === 0 ? (
        <p class="search-message" role="status">
          No papers match this search.
        </p>
      ) : (
        <>
          <p class="search-summary" role="status">
            Results {first}–{first + r.items.length - 1}
            {r.relaxed ? ' · not every word matched in some results' : ''} ·{' '}
            <a href={`/subscribe?q=${encodeURIComponent(r.query)}`}>email me new papers for this search</a>
          </p>
          <ol class="paper-list" start={first}>
            {r.items.map((item) => (
              <li>
                <ResultCard item={item} />
              </li>
            ))}
          </ol>
        </>
      )}
      {props.page > 0 || r.hasMore ? (
        <nav class="pager" aria-label="Result pages">
          {props.page > 0 ? (
            <a class="btn" href={props.pageUrl(props.page - 1)}>
              ← Previous
            </a>
          ) : null}
          <span class="pager-current">Page {props.page + 1}</span>
          {r.hasMore ? (
            <a class="btn" href={props.pageUrl(props.page + 1)}>
              Next →
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

function ResultCard({ item }: { item: SearchResultItem }) {
  const titleHtml = item.highlight ? highlightHtml(item.highlight.title) : undefined;
  // A highlighted snippet is plain text; where the abstract has math, the rendered preview reads better.
  const snippet = item.highlight?.snippet;
  const abstractHtml =
    snippet && snippet.includes('\u0002') && !/\$|\\\(|\\\[/.test(item.abstract)
      ? highlightHtml(snippet)
      : undefined;
  return <PaperCard paper={item} titleHtml={titleHtml} abstractHtml={abstractHtml} />;
}
