import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaperRecord } from '../domain/paper.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { bestLinks, importPwcLinks, loadPwcFile, parseCsv, parsePwcCsv, parsePwcJson } from './pwc-links.ts';

const PWC = path.resolve(import.meta.dirname, '../../../shared/data/pwc');
const CSV_FILE = path.join(PWC, 'paper_repo_info.csv');

let t: TestApp | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function record(id: string): PaperRecord {
  return {
    arxivId: id,
    title: `Paper ${id}`,
    abstract: 'An abstract.',
    authors: ['A. Author'],
    categories: ['cs.LG'],
    versions: [{ version: 1, submittedAt: '2020-01-01T00:00:00.000Z', size: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
  };
}

async function codeOf(a: TestApp, id: string) {
  return a.container.database.db
    .selectFrom('papers')
    .select(['codeUrl', 'githubStars'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('the recorded Papers with Code links (paper_repo_info.csv)', () => {
  it('parses 2,298 rows: 2,163 links, 133 rows without arXiv id, a repeated header and a glued row', async () => {
    const parsed = await loadPwcFile(CSV_FILE);
    expect(parsed.rows).toBe(2298);
    expect(parsed.links).toHaveLength(2163);
    const reasons = parsed.skipped.map((s) => s.reason);
    expect(reasons.filter((r) => r === 'no arXiv id')).toHaveLength(133);
    // Line 887 repeats the header; line 999 has the next header glued to its end (no line break).
    expect(parsed.skipped.filter((s) => s.reason !== 'no arXiv id')).toEqual([
      { at: 887, reason: 'repeated header' },
      { at: 999, reason: '25 fields where the header has 13' },
    ]);
    const best = bestLinks(parsed.links);
    expect(best.size).toBe(2066);
    expect(best.get('1406.2661')).toMatchObject({ url: 'https://github.com/dhrim/cau_2021', stars: 9 });
    expect(best.get('quant-ph/0406196')).toMatchObject({
      url: 'https://github.com/quantumlib/stim',
      stars: 318,
    });
    expect(best.get('2105.07014')).toMatchObject({
      url: 'https://github.com/google-research/google-research/tree/master/smurf',
      repoUrl: 'https://github.com/google-research/google-research',
      official: true,
    });
  });

  it('sets code links and stars on the papers we have, and counts the rest', async () => {
    t = await createTestApp({ seed: false });
    const ids = ['1406.2661', '1708.02002', '1810.10559', 'quant-ph/0406196', '2105.07014', '9999.00001'];
    await t.container.sink.store(ids.map((id) => ({ record: record(id), extras: { source: 'arxiv' } })));
    // One paper already links the same repository (other spelling), one links another repository.
    await t.container.papersRepo.applySignals(
      '1810.10559',
      { codeUrl: 'http://github.com/Paul-Buerkner/psis-non-factorized-paper.git' },
      'x',
    );
    await t.container.papersRepo.applySignals(
      '1406.2661',
      { codeUrl: 'https://github.com/goodfeli/adversarial' },
      'x',
    );
    const parsed = await loadPwcFile(CSV_FILE);
    const r = await importPwcLinks(parsed, CSV_FILE, { handle: t.container.database });
    expect(r).toMatchObject({
      rows: 2298,
      papers: 2066,
      matched: 5,
      unknown: 2061,
      updated: 4,
      unchanged: 0,
      kept: 1,
    });
    expect(r.skipped).toHaveLength(135);
    expect(await codeOf(t, '1708.02002')).toEqual({
      codeUrl: 'https://github.com/unsky/focal-loss',
      githubStars: 483,
    });
    expect(await codeOf(t, 'quant-ph/0406196')).toEqual({
      codeUrl: 'https://github.com/quantumlib/stim',
      githubStars: 318,
    });
    expect(await codeOf(t, '1810.10559')).toEqual({
      codeUrl: 'http://github.com/Paul-Buerkner/psis-non-factorized-paper.git',
      githubStars: 4,
    });
    // PwC's three links for the GAN paper are unofficial forks: the paper's own link stays.
    expect(await codeOf(t, '1406.2661')).toEqual({
      codeUrl: 'https://github.com/goodfeli/adversarial',
      githubStars: null,
    });
    expect((await codeOf(t, '2105.07014')).codeUrl).toBe(
      'https://github.com/google-research/google-research/tree/master/smurf',
    );
    expect(await codeOf(t, '9999.00001')).toEqual({ codeUrl: null, githubStars: null });

    const again = await importPwcLinks(parsed, CSV_FILE, { handle: t.container.database });
    expect(again).toMatchObject({ matched: 5, updated: 0, unchanged: 4, kept: 1 });
  });

  it('refuses the trending scrape, which has no arXiv ids, naming the file', async () => {
    await expect(loadPwcFile(path.join(PWC, 'papers_data.csv'))).rejects.toThrow(
      /Papers with Code links \(.*papers_data\.csv\): this is the PwC trending scrape/,
    );
  });
});

describe('Papers with Code links, other shapes and bad input', () => {
  it('prefers the official link, then the most stars, then the first', () => {
    const csv = [
      'paper_arxiv_id,repo_url,is_official,stars',
      '2101.00001,https://github.com/fan/popular,false,5000',
      '2101.00001,https://github.com/author/official,true,12',
      '2101.00002,https://github.com/a/first,false,7',
      '2101.00002,https://github.com/a/second,false,7',
      '2101.00003,https://github.com/a/nostars,false,None',
      '2101.00003,https://github.com/a/some,false,"1,024"',
    ].join('\r\n');
    const best = bestLinks(parsePwcCsv(csv, 'x').links);
    expect([...best.values()].map((l) => [l.arxivId, l.url, l.stars])).toEqual([
      ['2101.00001', 'https://github.com/author/official', 12],
      ['2101.00002', 'https://github.com/a/first', 7],
      ['2101.00003', 'https://github.com/a/some', 1024],
    ]);
  });

  it("reads PwC's own JSON dump, gzipped or not", async () => {
    const dump = [
      {
        paper_arxiv_id: '2101.00001',
        repo_url: 'https://github.com/a/b',
        is_official: true,
        framework: 'none',
      },
      { paper_arxiv_id: null, repo_url: 'https://github.com/c/d', is_official: false },
      { paper_arxiv_id: '2101.00002v3', repo_url: 'https://example.com/not-a-repo', is_official: true },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pwc-'));
    dirs.push(dir);
    const file = path.join(dir, 'links-between-papers-and-code.json.gz');
    fs.writeFileSync(file, gzipSync(JSON.stringify(dump)));
    const parsed = await loadPwcFile(file);
    expect(parsed).toEqual(parsePwcJson(JSON.stringify(dump), file));
    expect(parsed.links).toEqual([
      {
        arxivId: '2101.00001',
        url: 'https://github.com/a/b',
        repoUrl: 'https://github.com/a/b',
        official: true,
        stars: null,
        at: 1,
      },
    ]);
    expect(parsed.skipped).toEqual([
      { at: 2, reason: 'no arXiv id' },
      { at: 3, reason: '"https://example.com/not-a-repo" is not a repository URL' },
    ]);
  });

  it('keeps the rows before a quoted field that is never closed, and reports it', () => {
    const csv =
      'paper_arxiv_id,repo_url,is_official\n2101.00001,https://github.com/a/b,true\n2101.00002,"https://github.com/c/d';
    const parsed = parsePwcCsv(csv, 'cut.csv');
    expect(parsed.links.map((l) => l.arxivId)).toEqual(['2101.00001']);
    expect(parsed.skipped).toEqual([{ at: 3, reason: 'a quoted field is never closed' }]);
  });

  it('parses quoted commas, doubled quotes and line breaks, counting lines', () => {
    expect(parseCsv('a,"b,c","say ""hi""\nthere"\r\nx,y,z\n')).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"\nthere'] },
      { line: 3, fields: ['x', 'y', 'z'] },
    ]);
  });

  it('names the file when it cannot be read or has no usable header', async () => {
    await expect(loadPwcFile('/nonexistent/links.csv')).rejects.toThrow(
      'Papers with Code links (/nonexistent/links.csv): cannot read the file (ENOENT)',
    );
    expect(() => parsePwcCsv('title,url\nA,B\n', 'odd.csv')).toThrow(
      'Papers with Code links (odd.csv): no paper_arxiv_id and repo_url columns in the header (title,url)',
    );
    expect(() => parsePwcJson('{"links":[]}', 'o.json')).toThrow('expected a JSON array of paper-code links');
    expect(() => parsePwcJson('[{"paper_arxiv_id":', 't.json')).toThrow(/\(t\.json\): not valid JSON/);
  });
});
