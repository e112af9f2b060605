// Feeds (RSS, Atom, JSON Feed), citation exports (BibTeX, RIS, Markdown) and the tags that announce
// them, read back the way feed readers and reference managers read them.
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperRecord } from '../../src/domain/paper.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const BASE = 'http://paperboy.test';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function get(url: string) {
  const res = await t.app.inject(url);
  expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
  return res;
}

/** Well-formed XML 1.0: the validator's verdict, and no character XML forbids. */
function expectWellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
}

/** Fetches a feed in every format, checks each, and gives back the parsed Atom and JSON versions. */
async function readFeed(path: string, query = '') {
  const suffix = query ? `?${query}` : '';
  const rss = await get(`${path}.rss${suffix}`);
  const atom = await get(`${path}.atom${suffix}`);
  const json = await get(`${path}.json${suffix}`);
  expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
  expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
  expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
  expectWellFormed(rss.body);
  expectWellFormed(atom.body);
  const parsedRss = parseFeed(rss.body);
  const parsedAtom = parseFeed(atom.body);
  const feed = json.json() as JsonFeed;
  expect(parsedRss.meta.type).toBe('rss');
  expect(parsedAtom.meta.type).toBe('atom');
  expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
  // The three formats carry the same items in the same order.
  const urls = feed.items.map((i) => i.url);
  expect(parsedRss.items.map((i) => i.url)).toEqual(urls);
  expect(parsedAtom.items.map((i) => i.url)).toEqual(urls);
  expect(parsedRss.items.map((i) => i.title)).toEqual(feed.items.map((i) => i.title));
  expect(parsedAtom.self).toBe(`${BASE}${path}.atom${suffix}`);
  expect(feed.feed_url).toBe(`${BASE}${path}.json${suffix}`);
  return { rss: parsedRss, atom: parsedAtom, json: feed };
}

interface JsonFeed {
  version: string;
  title: string;
  home_page_url: string;
  feed_url: string;
  items: {
    id: string;
    url: string;
    title: string;
    content_text: string;
    date_published: string;
    authors?: { name: string }[];
    tags?: string[];
  }[];
}

function paperIds(feed: JsonFeed): string[] {
  return feed.items.map((i) => i.url.replace(`${BASE}/papers/`, ''));
}

describe('feeds', () => {
  it('serves the latest day as RSS, Atom and JSON Feed, ranked like the page', async () => {
    const { rss, atom, json } = await readFeed('/feeds/daily');
    expect(json.items).toHaveLength(29);
    expect(json.items[0]!.url).toBe(`${BASE}/papers/2410.17243`);
    expect(json.items[0]!.title).toBe(
      'Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss',
    );
    expect(json.items[0]!.authors?.[0]).toEqual({ name: 'Zesen Cheng' });
    expect(json.items[0]!.content_text).toMatch(/^Contrastive loss is a powerful approach/);
    expect(json.home_page_url).toBe(`${BASE}/`);
    const first = atom.items[0]!;
    expect(first.id).toBe(`${BASE}/papers/2410.17243`);
    expect(first.published?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(first.authors.map((a) => a.name)).toHaveLength(9);
    expect(rss.items[0]!.published?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(rss.items[0]!.id).toBe(`${BASE}/papers/2410.17243`);
    expect(rss.title).toBe('Daily papers · paperboy');
    expect(atom.updated?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('serves any day, and 404 for a date that does not exist', async () => {
    const { json } = await readFeed('/feeds/date/2026-11-11');
    expect(paperIds(json)).toContain('0704.0001');
    const atom = parseFeed((await get('/feeds/date/2026-11-11.atom')).body);
    const paper = atom.items.find((i) => i.url === `${BASE}/papers/0704.0001`)!;
    expect(paper.categories.map((c) => c.term)).toEqual(['hep-ph']);
    expect(paper.categories[0]!.label).toBe('High Energy Physics - Phenomenology');
    expect(paper.updated?.toISOString()).toBe('2026-11-11T00:00:00.000Z');
    expect((await t.app.inject('/feeds/date/2026-02-30.rss')).statusCode).toBe(404);
  });

  it('serves trending in the order of the trending page', async () => {
    const { json } = await readFeed('/feeds/trending');
    const rows = await t.container.database.db
      .selectFrom('listings')
      .select('paperId')
      .orderBy('trendingScore', 'desc')
      .orderBy('paperId')
      .limit(5)
      .execute();
    expect(paperIds(json).slice(0, 5)).toEqual(rows.map((r) => r.paperId));
  });

  it('follows a search, newest first, with the search form parameters', async () => {
    const { json } = await readFeed('/feeds/search', 'q=diffusion');
    expect(json.items.length).toBeGreaterThan(0);
    const dates = json.items.map((i) => i.date_published);
    expect(json.title).toBe('Search: diffusion · paperboy');
    expect(json.home_page_url).toBe(`${BASE}/search?q=diffusion`);
    const newest = await t.container.search.search('diffusion', { limit: 50, sort: 'newest' });
    expect(paperIds(json)).toEqual(newest.items.map((i) => i.id));
    expect(dates.length).toBe(json.items.length);
    const filtered = await readFeed('/feeds/search', 'q=calculation&cat=hep-ph');
    expect(paperIds(filtered.json)).toContain('0704.0001');
    expect(filtered.json.items.every((i) => i.tags?.includes('hep-ph'))).toBe(true);
  });

  it('serves a category, an author and an organization', async () => {
    const cat = await readFeed('/feeds/category/hep-ph');
    expect(cat.json.title).toBe('hep-ph (High Energy Physics - Phenomenology) · paperboy');
    expect(cat.json.items.length).toBeGreaterThan(0);
    expect(cat.json.items.every((i) => i.tags?.includes('hep-ph'))).toBe(true);
    const author = await readFeed('/feeds/author/C.%20Bal%C3%A1zs');
    expect(paperIds(author.json)).toContain('0704.0001');
    expect(author.json.items.every((i) => i.authors?.some((a) => a.name === 'C. Balázs'))).toBe(true);
    expect(author.atom.title).toBe('Papers by C. Balázs · paperboy');
    const org = await readFeed('/feeds/org/parameterlab');
    expect(paperIds(org.json)).toEqual(['pb-c4df3d2349eb']);
    expect(org.json.title).toBe('Papers from Parameter Lab · paperboy');
    // The full name works too, in any case; the feed names itself by the short name.
    const byFullName = await get('/feeds/org/parameter%20lab.json');
    expect(byFullName.json().feed_url).toBe(`${BASE}/feeds/org/parameterlab.json`);
  });

  it('rejects unknown feeds, formats and empty searches', async () => {
    expect((await t.app.inject('/feeds/org/no-such-lab.rss')).statusCode).toBe(404);
    expect((await t.app.inject('/feeds/daily.xml')).statusCode).toBe(404);
    expect((await t.app.inject('/feeds/category/hep-ph')).statusCode).toBe(404);
    expect((await t.app.inject('/feeds/category/cs.LG%20OR%20x.rss')).statusCode).toBe(404);
    expect((await t.app.inject('/feeds/search.rss')).statusCode).toBe(400);
  });

  it('revalidates feeds with ETags like the pages', async () => {
    const first = await get('/feeds/trending.atom');
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const again = await t.app.inject({
      url: '/feeds/trending.atom',
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('autodiscovery', () => {
  const alternates = (html: string) =>
    [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)"/g)].map((m) => ({
      type: m[1]!,
      title: m[2]!,
      href: m[3]!.replaceAll('&amp;', '&'),
    }));

  it('announces the feeds of the daily, trending and search pages', async () => {
    for (const [page, feed] of [
      ['/', '/feeds/daily'],
      ['/papers/date/2026-11-26', '/feeds/daily'],
      ['/papers/trending', '/feeds/trending'],
      ['/search?q=diffusion&cat=cs.CV', '/feeds/search'],
    ] as const) {
      const links = alternates((await get(page)).body);
      expect(links.map((l) => l.type)).toEqual([
        'application/rss+xml',
        'application/atom+xml',
        'application/feed+json',
      ]);
      expect(links[0]!.href.startsWith(`${feed}.rss`)).toBe(true);
      for (const link of links) expect((await t.app.inject(link.href)).statusCode).toBe(200);
    }
    const search = alternates((await get('/search?q=diffusion&cat=cs.CV')).body);
    expect(search[1]).toEqual({
      type: 'application/atom+xml',
      title: 'Search: diffusion (Atom)',
      href: '/feeds/search.atom?q=diffusion&cat=cs.CV',
    });
    expect(alternates((await get('/search')).body)).toEqual([]);
  });

  it('shows subscribe and export links on lists', async () => {
    const day = (await get('/papers/date/2026-11-27')).body;
    expect(day).toContain('href="/feeds/daily.rss"');
    expect(day).toContain('href="/papers/date/2026-11-27.bib"');
    expect(day).toContain('href="/papers/date/2026-11-27.ris"');
    const week = (await get('/papers/week/2026-W47')).body;
    expect(week).toContain('href="/papers/week/2026-W47.bib"');
    expect(week).not.toContain('rel="alternate"');
  });
});

describe('citation exports', () => {
  beforeAll(async () => {
    // An old-style id, whose slash the routes must keep.
    await t.container.papersRepo.upsert(
      record('hep-th/9901001', 'Old style', ['A. Author']),
      { source: 'arxiv' },
      '2026-11-27T15:00:00.000Z',
    );
  });

  it('exports 0704.0001 as BibTeX', async () => {
    const res = await get('/papers/0704.0001.bib');
    expect(res.headers['content-type']).toBe('application/x-bibtex; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="0704.0001.bib"');
    expect(res.body).toBe(
      [
        '@misc{balazs2007calculation,',
        '  title={Calculation of prompt diphoton production cross sections at Tevatron and LHC energies},',
        '  author={C. Balázs and E. L. Berger and P. M. Nadolsky and C.-P. Yuan},',
        '  year={2007},',
        '  eprint={0704.0001},',
        '  archivePrefix={arXiv},',
        '  primaryClass={hep-ph},',
        '  url={https://arxiv.org/abs/0704.0001},',
        '  doi={10.1103/PhysRevD.76.013009},',
        '  note={Phys.Rev.D76:013009,2007}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('exports 0704.0001 as RIS', async () => {
    const res = await get('/papers/0704.0001.ris');
    expect(res.headers['content-type']).toBe('application/x-research-info-systems; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines.slice(0, 9)).toEqual([
      'TY  - JOUR',
      'TI  - Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      'AU  - Balázs, C.',
      'AU  - Berger, E. L.',
      'AU  - Nadolsky, P. M.',
      'AU  - Yuan, C.-P.',
      'PY  - 2007',
      'DA  - 2007/04/02/',
      'JO  - Phys.Rev.D',
    ]);
    expect(lines[9]).toBe('N1  - Journal reference: Phys.Rev.D76:013009,2007');
    expect(lines[10]).toMatch(
      /^AB {2}- A fully differential calculation .* judicious selection of events\.$/,
    );
    expect(lines.slice(11)).toEqual([
      'UR  - https://arxiv.org/abs/0704.0001',
      'DO  - 10.1103/PhysRevD.76.013009',
      'KW  - hep-ph',
      'ER  - ',
      '',
    ]);
  });

  it('exports a paper as Markdown with its BibTeX', async () => {
    const res = await get('/papers/0704.0001.md');
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const bib = (await get('/papers/0704.0001.bib')).body;
    expect(res.body).toContain(
      '# Calculation of prompt diphoton production cross sections at Tevatron and LHC energies\n\n' +
        '**Authors:** C. Balázs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan\n\n' +
        `- Page: <${BASE}/papers/0704.0001>\n` +
        '- arXiv: <https://arxiv.org/abs/0704.0001> · PDF: <https://arxiv.org/pdf/0704.0001>\n' +
        '- DOI: <https://doi.org/10.1103/PhysRevD.76.013009>\n',
    );
    expect(res.body).toContain('## Abstract\n\nA fully differential calculation');
    expect(res.body).toContain(`## BibTeX\n\n\`\`\`bibtex\n${bib}\`\`\`\n`);
  });

  it('routes old-style ids and versions without disturbing the paper page', async () => {
    const old = await get('/papers/hep-th/9901001.bib');
    expect(old.body).toContain('eprint={hep-th/9901001}');
    expect(old.headers['content-disposition']).toBe('inline; filename="hep-th_9901001.bib"');
    expect((await get('/papers/hep-th/9901001.ris')).body).toContain(
      'UR  - https://arxiv.org/abs/hep-th/9901001',
    );
    expect((await get('/papers/hep-th/9901001')).headers['content-type']).toContain('text/html');
    const versioned = await t.app.inject('/papers/0704.0001v2.ris');
    expect(versioned.statusCode).toBe(301);
    expect(versioned.headers.location).toBe('/papers/0704.0001.ris');
    expect((await get('/papers/0704.0001')).headers['content-type']).toContain('text/html');
    expect((await t.app.inject('/papers/2410.99999.bib')).statusCode).toBe(404);
    expect((await t.app.inject('/papers/%3Cx%3E.bib')).statusCode).toBe(404);
    const local = await get('/papers/pb-c4df3d2349eb.bib');
    expect(local.body).not.toContain('eprint');
    expect(local.body).toContain(`url={${BASE}/papers/pb-c4df3d2349eb}`);
  });

  it('exports whole lists with unique keys', async () => {
    const day = await get('/papers/date/2026-11-27.bib');
    expect(day.headers['content-disposition']).toBe('inline; filename="2026-11-27.bib"');
    const keys = [...day.body.matchAll(/^@misc\{([^,]+),$/gm)].map((m) => m[1]!);
    expect(keys).toHaveLength(29);
    expect(new Set(keys).size).toBe(29);
    expect(keys[0]).toBe('cheng2024breaking');
    const ris = await get('/papers/trending.ris');
    expect(ris.body.match(/^TY {2}- /gm)?.length).toBe(ris.body.match(/^ER {2}- $/gm)?.length);
    const search = await get('/search.bib?q=calculation&cat=hep-ph');
    expect(search.body).toContain('@misc{balazs2007calculation,');
    expect((await get('/papers/week/2026-W46.ris')).body).toContain('TY  - ');
    expect((await get('/papers/month/2026-11.bib')).body).toContain('@misc{');
    expect((await t.app.inject('/papers/date/2026-13-01.bib')).statusCode).toBe(404);
    expect((await t.app.inject('/search.bib')).statusCode).toBe(400);
  });
});

describe('paper page citation tags', () => {
  it('carries Highwire tags for reference managers and cite links', async () => {
    const html = (await get('/papers/0704.0001')).body;
    const head = html.slice(0, html.indexOf('</head>'));
    const meta = [...head.matchAll(/<meta name="(citation_[a-z_]+)" content="([^"]*)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(meta).toEqual([
      [
        'citation_title',
        'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      ],
      ['citation_author', 'C. Balázs'],
      ['citation_author', 'E. L. Berger'],
      ['citation_author', 'P. M. Nadolsky'],
      ['citation_author', 'C.-P. Yuan'],
      ['citation_publication_date', '2007/04/02'],
      ['citation_arxiv_id', '0704.0001'],
      ['citation_pdf_url', 'https://arxiv.org/pdf/0704.0001'],
      ['citation_doi', '10.1103/PhysRevD.76.013009'],
      ['citation_journal_title', 'Phys.Rev.D'],
      ['citation_abstract_html_url', `${BASE}/papers/0704.0001`],
    ]);
    expect(html).toContain('href="/papers/0704.0001.bib"');
    expect(html).toContain('href="/papers/0704.0001.ris"');
    expect(html).toContain('href="/papers/0704.0001.md"');
  });
});

// Last, because it adds a paper that lists and searches then contain.
describe('hostile data', () => {
  const ID = '2610.00666';
  const HOSTILE = '<script>alert(1)</script> & ]]> "q" \u0000\u0001\u0008\u000B\u001F\uFFFE $a<b$ end';
  // (Lone surrogates never come back from SQLite, which stores U+FFFD instead; unit tests cover them.)
  const AUTHOR = 'Eve <img src=x onerror=alert(1)> & Co';

  beforeAll(async () => {
    const paper = { ...record(ID, HOSTILE, [AUTHOR, 'Zorblax Quuxington']) };
    paper.abstract = 'Abstract with <b>tags</b> & ]]> and \u0007 a bell.';
    await t.container.papersRepo.upsert(paper, { source: 'arxiv' }, '2026-11-27T15:00:00.000Z');
    await t.container.search.indexPapers([ID]);
    await t.container.database.db
      .insertInto('listings')
      .values({ paperId: ID, day: '2026-10-01', listedAt: '2026-10-01T12:00:00.000Z', trendingScore: 0 })
      .execute();
    t.container.database.noteWrite();
  });

  // What every format should show: the characters XML cannot carry are gone, the rest is text.
  const SHOWN = '<script>alert(1)</script> & ]]> "q" $a<b$ end';

  it('keeps every feed well-formed and shows the title as text', async () => {
    for (const [path, query] of [
      ['/feeds/date/2026-10-01', ''],
      ['/feeds/search', 'q=Zorblax'],
      ['/feeds/author/Zorblax%20Quuxington', ''],
    ] as const) {
      const { rss, atom, json } = await readFeed(path, query);
      expect(json.items.map((i) => i.title)).toEqual([SHOWN]);
      expect(atom.items[0]!.title).toBe(SHOWN);
      expect(rss.items[0]!.title).toBe(SHOWN);
      expect(atom.items[0]!.authors[0]!.name).toBe(AUTHOR);
      expect(json.items[0]!.content_text).toBe('Abstract with <b>tags</b> & ]]> and a bell.');
    }
    const raw =
      (await get('/feeds/date/2026-10-01.rss')).body + (await get('/feeds/date/2026-10-01.atom')).body;
    expect(raw).not.toMatch(/<script|<img|<b>|\]\]>/);
    // RSS descriptions are HTML to readers: the abstract's "<b>" is escaped twice, so after XML
    // decoding a reader still gets "&lt;b&gt;", i.e. text, not a tag.
    expect(raw).toContain(
      '<description>&lt;p&gt;Abstract with &amp;lt;b&amp;gt;tags&amp;lt;/b&amp;gt; &amp;amp;',
    );
  });

  it('keeps exports and the paper page intact', async () => {
    const bib = (await get(`/papers/${ID}.bib`)).body;
    expect(bib).toContain('title={<script>alert(1)</script> \\& ]]> "q" $a<b$ end}');
    expect(bib).toContain('author={Eve <img src=x onerror=alert(1)> \\& Co and Zorblax Quuxington}');
    const ris = (await get(`/papers/${ID}.ris`)).body;
    expect(ris).toContain(`\r\nTI  - ${SHOWN}\r\n`);
    expect(ris.split('\r\n').every((l) => l === '' || /^[A-Z][A-Z0-9] {2}- /.test(l))).toBe(true);
    const md = (await get(`/papers/${ID}.md`)).body;
    expect(md.split('\n')[0]).toBe('# \\<script\\>alert(1)\\</script\\> \\& \\]\\]\\> "q" $a<b$ end');
    const html = (await get(`/papers/${ID}`)).body;
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toMatch(
      /<meta name="citation_title" content="&lt;script>alert\(1\)&lt;\/script> &amp; ]]> &quot;q&quot;/,
    );
  });
});

function record(arxivId: string, title: string, authors: string[]): PaperRecord {
  return {
    arxivId,
    title,
    abstract: 'An abstract.',
    authors,
    categories: ['hep-th'],
    versions: [{ version: 1, submittedAt: '2026-10-01T10:00:00.000Z', size: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
  };
}
