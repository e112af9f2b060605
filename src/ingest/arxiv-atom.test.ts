import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture2016, recordedBody, recordings } from '../../test/helpers/arxiv-api-server.ts';
import { AtomFeedError, parseArxivAtom } from './arxiv-atom.ts';

const ODD = path.resolve(import.meta.dirname, '../../test/fixtures/ingest/arxiv-atom-odd-entries.xml');
const where = 'arXiv API (http://test/api/query?x)';

function failure(xml: string): AtomFeedError {
  try {
    parseArxivAtom(xml, where);
  } catch (err) {
    if (err instanceof AtomFeedError) return err;
    throw err;
  }
  throw new Error('parsed without an error');
}

describe('parseArxivAtom on real 2026 responses', () => {
  it('reads an old-style id, drops affiliations, keeps comment and journal ref', () => {
    const page = parseArxivAtom(recordedBody('id:astro-ph/0601001'), where);
    expect(page).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 100, entryCount: 1 });
    const [e] = page.entries;
    expect(e!.version).toBe(1);
    expect(e!.pdfUrl).toBe('https://arxiv.org/pdf/astro-ph/0601001v1');
    expect(e!.record).toMatchObject({
      arxivId: 'astro-ph/0601001',
      title:
        'Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the ' +
        'Galactic Bulge and Carina',
      authors: ['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski'],
      categories: ['astro-ph'],
      versions: [{ version: 1, submittedAt: '2006-01-02T14:57:58.000Z', size: null }],
      comments:
        '62 pages including 16 figures and 9 tables. Submitted to Acta Astronomica. Full resolution ' +
        'version at http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz',
      journalRef: 'ActaAstron.56:1-50,2006',
      doi: null,
      reportNo: null,
      license: null,
    });
    // Entities decoded, leading spaces of <summary> gone.
    expect(
      e!.record.abstract.startsWith('We derive the frequencies of hot Jupiters (HJs) with 3--5 day'),
    ).toBe(true);
    expect(e!.record.abstract).toContain('Gould & Morgan (2003)');
    expect(e!.record.abstract).toContain('limit of V_max<17.5.');
  });

  it('reads UTF-8 names and a versioned old-style look-up', () => {
    const [wubben] = parseArxivAtom(recordedBody('id:1707.08567'), where).entries;
    expect(wubben!.record.authors).toHaveLength(34);
    expect(wubben!.record.authors[32]).toBe('Dirk Wübben');
    const [quant] = parseArxivAtom(recordedBody('id:quant-ph/0201082v1'), where).entries;
    expect(quant!.record.arxivId).toBe('quant-ph/0201082');
    expect(quant!.version).toBe(1);
  });

  it('reads a whole 100-entry page with versions from the entry ids', () => {
    const page = parseArxivAtom(recordedBody('q:testing|0|100'), where);
    expect(page).toMatchObject({ totalResults: 214881, startIndex: 0, itemsPerPage: 100, entryCount: 100 });
    expect(page.entries).toHaveLength(100);
    expect(page.skipped).toEqual([]);
    const v3 = page.entries.find((e) => e.record.arxivId === '2204.08348')!;
    expect(v3.version).toBe(3);
    expect(v3.record.versions).toEqual([
      { version: 1, submittedAt: '2022-04-18T14:46:24.000Z', size: null },
      { version: 3, submittedAt: '2022-07-06T05:12:56.000Z', size: null },
    ]);
    const first = page.entries[0]!.record;
    expect(first.arxivId).toBe('2202.12139');
    expect(first.categories).toEqual(['cs.SE', 'cs.LG']);
    expect(first.doi).toBe('10.1109/ICSTW55395.2022.00035');
    const ramirez = page.entries.find((e) => e.record.arxivId === '2405.13786')!.record;
    expect(ramirez.authors).toEqual(['Aurora Ramírez', 'Mario Berrios', 'José Raúl Romero', 'Robert Feldt']);
  });

  it('reads empty results and turns an API error entry into an error', () => {
    expect(parseArxivAtom(recordedBody('id:0000.0000'), where)).toEqual({
      totalResults: 0,
      startIndex: 0,
      itemsPerPage: 100,
      entries: [],
      skipped: [],
      entryCount: 0,
    });
    expect(parseArxivAtom(recordedBody('id:0808.05394'), where).entryCount).toBe(0);
    expect(recordings().get('id:abc')!.status).toBe(400);
    const err = failure(recordedBody('id:abc'));
    expect(err.message).toBe(`${where}: arXiv API error: incorrect id format for abc`);
    expect(err.retryable).toBe(false);
  });
});

describe('parseArxivAtom on real 2016 responses (namespaces declared per element)', () => {
  it('joins multi-line titles and abstracts and reads a v2', () => {
    const page = parseArxivAtom(fixture2016('id_list=1111.2011v2.xml'), where);
    expect(page).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 10 });
    const { record, version, pdfUrl } = page.entries[0]!;
    expect(version).toBe(2);
    expect(pdfUrl).toBe('http://arxiv.org/pdf/1111.2011v2');
    expect(record.title).toBe(
      'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
    );
    expect(
      record.abstract.startsWith(
        'Theoretical description of anisotropic systems, such as layered superconductors and coupled',
      ),
    ).toBe(true);
    expect(record.abstract).not.toMatch(/\n|\s{2}/);
    expect(record).toMatchObject({
      arxivId: '1111.2011',
      authors: ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic'],
      categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
      versions: [
        { version: 1, submittedAt: '2011-11-08T18:48:36.000Z', size: null },
        { version: 2, submittedAt: '2012-04-02T12:38:54.000Z', size: null },
      ],
      comments: '8 pages, 3 figures. Published version',
      journalRef: 'Phys. Rev. B 85, 115117 (2012)',
      doi: '10.1103/PhysRevB.85.115117',
    });
  });

  it('converts TeX accents and reads old-style ids in a search page', () => {
    const page = parseArxivAtom(fixture2016('search_query=au_del_maestro.xml'), where);
    expect(page.totalResults).toBe(31);
    expect(page.entries.map((e) => e.record.arxivId)).toEqual([
      '1201.4869',
      'cond-mat/0412498',
      'cond-mat/0603029',
      '1005.5383',
      '1303.6954',
      '1312.6177',
      '1412.6529',
      'cond-mat/0607501',
      'cond-mat/0702661',
      '0807.2873',
    ]);
    const renyi = page.entries.find((e) => e.record.arxivId === '1412.6529')!.record;
    expect(renyi.abstract.startsWith('We consider the Rényi entanglement entropy of bosonic Luttinger')).toBe(
      true,
    );
    const stripes = page.entries.find((e) => e.record.arxivId === 'cond-mat/0603029')!.record;
    expect(stripes.title).toBe(
      'From stripe to checkerboard order on the square lattice in the presence of quenched disorder',
    );
  });
});

describe('parseArxivAtom on odd and broken input', () => {
  it('skips entries missing required fields, naming each, and cleans the rest', () => {
    const page = parseArxivAtom(fs.readFileSync(ODD, 'utf8'), where);
    expect(page.entryCount).toBe(7);
    expect(page.skipped).toEqual([
      { id: '0901.0002v1', reason: 'missing title' },
      { id: '0901.0003v1', reason: 'no authors' },
      { id: '0901.0004', reason: 'id without a version' },
      { id: 'entry #5', reason: 'missing id' },
      { id: '0901.0006v2', reason: 'missing or unreadable <updated> for v2' },
      { id: '0901.0007v1', reason: 'no arXiv category' },
    ]);
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]!.record).toEqual({
      arxivId: '0901.0001',
      title: "Schödinger's cat in a Fabry-Pérot cavity — $\\alpha < 1$",
      abstract: 'We study \\emph{naïve} models. Second line.',
      authors: ['Özgür Çelik', 'José García'],
      categories: ['cs.LG', 'stat.ML'],
      versions: [
        { version: 1, submittedAt: '2009-01-01T10:00:00.000Z', size: null },
        { version: 3, submittedAt: '2009-03-01T10:00:00.000Z', size: null },
      ],
      comments: '12 pages, in Proc. of the Café workshop',
      journalRef: null,
      doi: null,
      reportNo: null,
      license: null,
    });
  });

  it('rejects truncated XML, naming the source and URL', () => {
    const body = recordedBody('q:testing|0|10');
    const err = failure(body.slice(0, Math.floor(body.length / 2)));
    expect(err.message).toMatch(
      /^arXiv API \(http:\/\/test\/api\/query\?x\): malformed or truncated XML at line \d+/,
    );
    expect(err.retryable).toBe(true);
    expect(failure('').message).toContain('empty response body');
  });

  it('rejects HTML and documents that are not Atom feeds', () => {
    const html =
      '<!DOCTYPE html>\n<html><head><title>Rate exceeded</title></head><body>Slow down</body></html>';
    expect(failure(html).message).toBe(`${where}: got an HTML page instead of an Atom feed`);
    expect(failure('<?xml version="1.0"?><rss><channel/></rss>').message).toBe(
      `${where}: expected an Atom <feed>, got <rss>`,
    );
  });
});
