import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAbs } from './arxiv-abs.ts';
import {
  extractCodeLinks,
  findCodeUrl,
  normalizeRepoUrl,
  primaryCodeLink,
  withExtractedCodeLink,
} from './code-links.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(ROOT, '../shared/data');
const urls = (text: string) => extractCodeLinks(text).map((l) => l.url);

describe('extractCodeLinks on real abstracts', () => {
  it('finds exactly the codeUrls of the seed cards (GitHub links in their abstracts)', () => {
    const { papers } = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'fixtures/demo/seed-papers.json'), 'utf8'),
    ) as {
      papers: { title: string; abstract: string; codeUrls: string[] }[];
    };
    expect(papers).toHaveLength(25);
    const withLinks = papers.filter((p) => p.codeUrls.length > 0);
    expect(withLinks).toHaveLength(6);
    for (const p of papers) {
      // One abstract writes "https: //github.com/…" (a PDF-extraction artefact) and its card lists no
      // link; the link is real, so the extractor finds it (checked separately below).
      if (p.title.startsWith('Neighborhood-aware')) continue;
      expect(urls(p.abstract), p.title).toEqual(p.codeUrls);
    }
  });

  it('mends "https: //github.com/…" with a full stop after it', () => {
    const { papers } = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'fixtures/demo/seed-papers.json'), 'utf8'),
    ) as {
      papers: { title: string; abstract: string; codeUrls: string[] }[];
    };
    const card = papers.find((p) => p.title.startsWith('Neighborhood-aware'))!;
    expect(card.abstract).toContain('https: //github.com/Graph-COM/Neighborhood-Aware-Temporal-Network.');
    expect(urls(card.abstract)).toEqual(['https://github.com/Graph-COM/Neighborhood-Aware-Temporal-Network']);
  });

  it('finds the links in the HF daily papers of 2024-10-25 (line-wrapped summaries) and nothing else', () => {
    const items = JSON.parse(
      fs.readFileSync(path.join(SHARED, 'hf/daily_papers-2024-10-25.json'), 'utf8'),
    ) as {
      paper: { id: string; summary: string };
    }[];
    const found = Object.fromEntries(
      items.flatMap((i) => (urls(i.paper.summary).length > 0 ? [[i.paper.id, urls(i.paper.summary)]] : [])),
    );
    expect(found).toEqual({
      '2410.18798': ['https://github.com/hewei2001/ReachQA'],
      '2410.18775': ['https://github.com/Shilin-LU/VINE'],
      '2410.17779': ['https://github.com/Hao840/ADEM-VL'],
      '2410.18785': ['https://github.com/lqinfdim/EditingEvaluation'],
    });
    // The whole file (avatars on cdn-avatars.huggingface.co, thumbnails, …) holds no other code link.
    const all = fs.readFileSync(path.join(SHARED, 'hf/daily_papers-2024-10-25.json'), 'utf8');
    expect(all).toContain('https://cdn-avatars.huggingface.co/');
    expect(urls(all.replace(/\\n/g, '\n'))).toEqual(Object.values(found).flat());
  });

  it('finds no repository in the 1,001 arXiv records of 0704 (2007: URLs, but none to code hosts)', () => {
    const dir = path.join(SHARED, 'arxiv/abs-0704/0704');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.abs'));
    expect(files).toHaveLength(1001);
    let withUrls = 0;
    for (const f of files) {
      const record = parseAbs(fs.readFileSync(path.join(dir, f), 'utf8'));
      const text = `${record.abstract}\n${record.comments ?? ''}`;
      if (/https?:\/\/|www\./.test(text)) withUrls++;
      expect(findCodeUrl(record.abstract, record.comments), f).toBeNull();
    }
    expect(withUrls).toBeGreaterThanOrEqual(30); // the negatives are real: 37 records carry URLs
  });

  it('finds the code links in the comments of an arXiv astro-ph listing (Jan 2023)', () => {
    const found = new Map<string, string[]>();
    for (const name of ['astro-ph_2301', 'astro-ph_new', 'astro-ph_pastweek', 'q-fin_new']) {
      const text = fs.readFileSync(path.join(SHARED, 'arxiv/listings', name), 'utf8');
      for (const record of text.split(/^-{20,}$/m)) {
        const id = /arXiv:(\S+)/.exec(record)?.[1];
        if (id && urls(record).length > 0) found.set(id, urls(record));
      }
    }
    expect(Object.fromEntries(found)).toEqual({
      '2301.01024': ['https://github.com/leandros11/pantheonplus1'],
      '2301.01371': ['https://github.com/mdanatg/Astronet-Triage'],
      '2301.02209': ['https://github.com/aabdurrouf/JWST-HST_resolvedSEDfits'],
      '2301.03579': ['https://github.com/takafumi291/ESSENCE'],
      '2301.03704': ['https://github.com/TeHanHunter/TESS_Gaia_Light_Curve'],
      '2301.03721': ['https://github.com/mdlreyes/void-dwarf-analysis'],
      // "for a video and code see https://github.com/jstuecker" names a user, not a repository: no link.
      '2301.07369': ['https://github.com/Ahmadmehrabi/GLM_Network'],
      '2301.08253': ['https://github.com/dkaramit/NSCpp'], // …/NSCpp/tree/stable.
      '2301.10308': ['https://gitlab.com/warrickball/kepler-gaia-spin-orbit'],
      '2301.10467': ['https://github.com/bjricketts/grs1915-auto-encoder'],
      '2301.12533': ['https://github.com/rhdtownsend/msg'], // "…/msg , documentation at"
      '2301.12557': ['https://github.com/cheng-zhao/FCFC'],
      '2301.13818': ['https://github.com/sxs-collaboration/paper-2023-spectre-enthalpy-eos'],
      '2301.04165': ['https://github.com/jberger7/Generator-IND'],
      '2301.07684': ['https://github.com/QuantumPlasma/SFQEDtoolkit'],
      '2302.12524': ['https://github.com/leandros11/lensing1'],
      '2302.13689': ['https://github.com/SergeiDBykov/lockman_hole'],
    });
  });

  it('reads the link in a recorded arXiv API comment', () => {
    const file = path.join(
      SHARED,
      'arxiv/api-atom/arxiv.py-recorded-2026/q_testing_s40_m10_96dd32eb854c.json',
    );
    const comment = /<arxiv:comment>([^<]*github[^<]*)<\/arxiv:comment>/.exec(
      fs.readFileSync(file, 'utf8'),
    )![1]!;
    expect(findCodeUrl(comment)).toBe('https://github.com/ydecastro/super-resolution-testing');
  });
});

describe('extractCodeLinks on the forms text puts URLs in', () => {
  it.each([
    ['Code is available at https://github.com/Foo/bar.', 'https://github.com/Foo/bar'],
    ['(see https://github.com/Foo/bar), and', 'https://github.com/Foo/bar'],
    ['at https://github.com/Foo/bar, https://x.org', 'https://github.com/Foo/bar'],
    ['at http://www.github.com/Foo/bar.git;', 'https://github.com/Foo/bar'],
    ['\\url{https://github.com/foo/bar\\_baz}', 'https://github.com/foo/bar_baz'],
    ['\\href{https://github.com/foo/bar}{here}', 'https://github.com/foo/bar'],
    ['code: github.com/foo/bar.', 'https://github.com/foo/bar'],
    ['"https://github.com/foo/bar"', 'https://github.com/foo/bar'],
    ['<https://github.com/foo/bar>', 'https://github.com/foo/bar'],
    ['https://github.com/foo/bar/tree/main', 'https://github.com/foo/bar'],
    ['https://github.com/foo/bar/blob/main/README.md', 'https://github.com/foo/bar'],
    ['https://github.com/foo/bar#readme', 'https://github.com/foo/bar'],
    ['https://github.com/foo/bar/issues/3', 'https://github.com/foo/bar'],
    ['https://github.com/g/g/tree/master/smurf/', 'https://github.com/g/g/tree/master/smurf'],
    ['https://github.com/g/g/blob/main/x/README.md', 'https://github.com/g/g/tree/main/x'],
    ['available at\n  https://github.com/foo/bar-\n  baz and', 'https://github.com/foo/bar-baz'],
    ['available at https://github.com/\n  foo/bar and', 'https://github.com/foo/bar'],
    ['available at https://\n  github.com/foo/bar', 'https://github.com/foo/bar'],
    ['available at https://github.com/foo\n  /bar', 'https://github.com/foo/bar'],
    ['https://gitlab.com/group/sub/project/-/tree/main', 'https://gitlab.com/group/sub/project'],
    ['https://bitbucket.org/team/repo/src/master/', 'https://bitbucket.org/team/repo'],
    ['demo: https://huggingface.co/spaces/org/app.', 'https://huggingface.co/spaces/org/app'],
    ['weights: huggingface.co/org/model-7b)', 'https://huggingface.co/org/model-7b'],
  ])('%j → %s', (text, url) => {
    expect(urls(text)).toEqual([url]);
  });

  it.each([
    'https://github.com/someuser',
    'https://github.com/topics/nlp',
    'https://gist.github.com/foo/abc123',
    'https://foo.github.io/bar',
    'mail me at someone@github.com/foo',
    'https://huggingface.co/papers/2410.17243',
    'https://huggingface.co/datasets/org/data',
    'https://huggingface.co/docs/transformers',
    'https://cdn-avatars.huggingface.co/v1/production/uploads/x/y.png',
    'https://example.com/github.com/foo/bar',
    'https://arxiv.org/abs/2410.17243',
  ])('no repository in %j', (text) => {
    expect(urls(text)).toEqual([]);
  });

  it('keeps order, drops duplicates, and prefers a source repository over a Space or a model', () => {
    const text =
      'Demo at https://huggingface.co/spaces/a/demo, weights at https://huggingface.co/a/m, code at ' +
      'https://github.com/A/code and (again) github.com/a/code.git.';
    expect(urls(text)).toEqual([
      'https://huggingface.co/spaces/a/demo',
      'https://huggingface.co/a/m',
      'https://github.com/A/code',
    ]);
    expect(primaryCodeLink(extractCodeLinks(text))?.url).toBe('https://github.com/A/code');
    expect(
      primaryCodeLink(extractCodeLinks('https://huggingface.co/a/m and huggingface.co/spaces/a/s'))?.url,
    ).toBe('https://huggingface.co/spaces/a/s');
  });

  it('stays linear on hostile input (long runs that regexes could backtrack over)', () => {
    const started = performance.now();
    expect(urls('github.com/-'.repeat(20_000))).toEqual([]);
    expect(urls(`https://github.com/a/b${'.'.repeat(200_000)}x`)).toEqual(['https://github.com/a/b']);
    expect(urls('\\url{'.repeat(50_000))).toEqual([]);
    expect(urls(`${'github.com/a/b-'.repeat(20_000)} x`)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('normalises a single URL and rejects what is not a repository', () => {
    expect(normalizeRepoUrl('https://github.com/Foo/Bar.git/')).toEqual({
      host: 'github',
      kind: 'repository',
      url: 'https://github.com/Foo/Bar',
      repoUrl: 'https://github.com/Foo/Bar',
    });
    expect(normalizeRepoUrl('javascript:alert(1)//github.com/a/b')).toBeNull();
    expect(normalizeRepoUrl('https://github.com/<script>/x')).toBeNull();
    expect(normalizeRepoUrl('')).toBeNull();
  });
});

describe('withExtractedCodeLink', () => {
  const paper = (abstract: string, comments: string | null, codeUrl?: string | null) => ({
    record: { abstract, comments },
    extras: { source: 'arxiv', ...(codeUrl === undefined ? {} : { codeUrl }) },
  });

  it('fills a missing code URL from the abstract, else from the comments', () => {
    expect(withExtractedCodeLink(paper('Code: https://github.com/a/b.', null)).extras.codeUrl).toBe(
      'https://github.com/a/b',
    );
    expect(withExtractedCodeLink(paper('No code.', '10 pages; code at github.com/c/d')).extras.codeUrl).toBe(
      'https://github.com/c/d',
    );
  });

  it('leaves a known code URL alone, and leaves codeUrl undefined (keep what is stored) when none is found', () => {
    const known = paper('Code: https://github.com/a/b.', null, 'https://github.com/official/repo');
    expect(withExtractedCodeLink(known)).toBe(known);
    const none = paper('No code here.', null);
    expect(withExtractedCodeLink(none)).toBe(none);
    expect('codeUrl' in withExtractedCodeLink(none).extras).toBe(false);
  });
});
