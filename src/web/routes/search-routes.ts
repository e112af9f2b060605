import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { SearchSort } from '../../domain/search-query.ts';
import { InvalidInputError } from '../../services/errors.ts';
import type { SearchResults, SearchService } from '../../services/search-service.ts';
import { SEARCH_PAGE_SIZE } from '../../services/search-service.ts';
import type { PageSender } from '../app.ts';
import { anonymousState, withViewer } from '../personal-page.ts';
import type { UpvotedBy } from '../personal-page.ts';
import type { ViewerState } from '../viewer-context.ts';
import { renderDocument, renderFragment } from '../render.ts';
import type { SearchForm, SearchPageProps } from '../views/search-page.tsx';
import { SearchPage, SearchResultsView } from '../views/search-page.tsx';

interface Options {
  search: SearchService;
  pages: PageSender;
  /** For the vote buttons of live results shown to a signed-in reader. */
  upvotedBy: UpvotedBy;
}

const SORTS: readonly SearchSort[] = ['relevance', 'newest', 'upvotes'];
const MAX_PAGE = Math.floor(1000 / SEARCH_PAGE_SIZE);

function str(query: Record<string, unknown>, name: string, max = 1000): string {
  const v = query[name];
  return typeof v === 'string' ? v.slice(0, max).trim() : '';
}

function readForm(request: FastifyRequest): { form: SearchForm; page: number } {
  const query = request.query as Record<string, unknown>;
  const p = str(query, 'p', 8);
  const page = /^\d+$/.test(p) ? Math.min(Number(p), MAX_PAGE) : 0;
  const sort = str(query, 'sort', 20);
  return {
    page,
    form: {
      q: str(query, 'q'),
      cat: str(query, 'cat', 40),
      from: /^\d{4}$/.test(str(query, 'from')) ? str(query, 'from') : '',
      to: /^\d{4}$/.test(str(query, 'to')) ? str(query, 'to') : '',
      code: str(query, 'code') === '1',
      sort: SORTS.includes(sort as SearchSort) ? sort : 'relevance',
    },
  };
}

/** The form's separate fields become query-language filters, so there is one way to filter. */
export function composeQuery(form: SearchForm): string {
  const parts = [form.q];
  for (const cat of form.cat.split(/[\s,]+/).filter(Boolean)) parts.push(`cat:${cat}`);
  if (form.from || form.to) parts.push(`year:${form.from || form.to}..${form.to || form.from}`);
  if (form.code) parts.push('has:code');
  return parts.filter(Boolean).join(' ');
}

function pageUrl(form: SearchForm, page: number): string {
  const params = new URLSearchParams();
  if (form.q) params.set('q', form.q);
  if (form.cat) params.set('cat', form.cat);
  if (form.from) params.set('from', form.from);
  if (form.to) params.set('to', form.to);
  if (form.code) params.set('code', '1');
  if (form.sort !== 'relevance') params.set('sort', form.sort);
  if (page > 0) params.set('p', String(page));
  return `/search?${params.toString()}`;
}

async function runSearch(search: SearchService, form: SearchForm, page: number): Promise<SearchPageProps> {
  const text = composeQuery(form);
  const base = { form, page, pageUrl: (n: number) => pageUrl(form, n) };
  if (!text) return { ...base, results: null, error: null };
  try {
    const results: SearchResults = await search.search(text, {
      limit: SEARCH_PAGE_SIZE,
      offset: page * SEARCH_PAGE_SIZE,
      sort: form.sort as SearchSort,
    });
    return { ...base, results, error: null };
  } catch (err) {
    if (err instanceof InvalidInputError) return { ...base, results: null, error: err.message };
    throw err;
  }
}

export const searchRoutes: FastifyPluginAsync<Options> = async (app, { search, pages, upvotedBy }) => {
  app.get('/search', async (request, reply) => {
    const { form, page } = readForm(request);
    const props = await runSearch(search, form, page);
    if (props.error) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(renderDocument(h(SearchPage, props)));
    }
    return pages.sendPage(request, reply, async () => h(SearchPage, props));
  });

  // The result list alone, for search-as-you-type (assets/search.js).
  app.get('/search/results', async (request, reply) => {
    const { form, page } = readForm(request);
    const props = await runSearch(search, form, page);
    reply.header('cache-control', 'no-store');
    // The results go into the search page, so their vote buttons (and sign-in links) are the page's.
    const viewer = request.viewer;
    const state: ViewerState = viewer
      ? {
          viewer,
          csrfToken: reply.generateCsrf(),
          currentPath: pageUrl(form, page),
          upvoted: await upvotedBy(viewer.id),
        }
      : { ...anonymousState(request), currentPath: pageUrl(form, page) };
    const fragment = renderFragment(withViewer(state, h(SearchResultsView, props)));
    return reply.type('text/html; charset=utf-8').send(fragment);
  });
};
