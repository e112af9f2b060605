// Exact values from REAL arXiv OAI-PMH records (../shared/data/arxiv/oai-pmh), read through the same
// envelope parser the client uses.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { XmlElement } from './oai-pmh.ts';
import { elementsOf, parseOaiDocument, readRecord } from './oai-pmh.ts';
import type { OaiRecord } from './oai-pmh.ts';
import {
  OaiRecordError,
  parseArxivFormat,
  parseArxivOaiMetadata,
  parseArxivRaw,
  rfc2822ToIso,
} from './oai-arxiv-formats.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data/arxiv/oai-pmh');

function records(relative: string): OaiRecord[] {
  const body = fs.readFileSync(path.join(DATA, relative), 'utf8');
  const root = parseOaiDocument({ body, contentType: 'text/xml', url: relative });
  const container = elementsOf(root.ListRecords ?? root.GetRecord)[0]!;
  return elementsOf(container.record).map((r, i) => readRecord(r, i + 1) as OaiRecord);
}

function record(relative: string, id: string): { element: XmlElement; identifier: string } {
  const found = records(relative).find((r) => r.identifier === `oai:arXiv.org:${id}`);
  if (!found?.metadata) throw new Error(`${id} not in ${relative}`);
  return { element: found.metadata.element, identifier: found.identifier };
}

const RAW_PAGE = 'arXivRaw_mikesaelim-2015/ListRecordsResponse.xml';
const RAW_GET = 'arXivRaw_mikesaelim-2015/GetRecordResponse.xml';
const CS = 'arXiv_invenio-2015-2017/sample_arxiv_response_listrecords_cs.xml';
const PHYSICS = 'arXiv_invenio-2015-2017/sample_arxiv_response_listrecords_physics.xml';

describe('arXivRaw', () => {
  it('reads the whole version history with dates and sizes (0704.0716, four versions)', () => {
    const { element, identifier } = record(RAW_PAGE, '0704.0716');
    const paper = parseArxivRaw(element, identifier);
    expect(paper.arxivId).toBe('0704.0716');
    expect(paper.versions).toEqual([
      { version: 1, submittedAt: '2007-04-05T12:45:03.000Z', size: '43kb' },
      { version: 2, submittedAt: '2007-09-28T15:13:43.000Z', size: '48kb' },
      { version: 3, submittedAt: '2008-02-29T16:05:39.000Z', size: '48kb' },
      { version: 4, submittedAt: '2008-11-14T09:07:25.000Z', size: '49kb' },
    ]);
    expect(paper.title).toBe('Limit distributions and scaling functions');
    expect(paper.authors).toEqual(['Christoph Richard']);
    expect(paper.categories).toEqual(['math-ph', 'math.MP']);
    expect(paper.comments).toBe(
      '54 pages, 2 figures; v2 updated and slightly expanded; v3 changes in some proofs; v4 slightly expanded',
    );
    expect(paper.journalRef).toBe(
      'Polygons, polyominoes and polycubes, 247-299, Lecture Notes in Phys., 775, Springer, Dordrecht, 2009',
    );
    expect(paper.license).toBe('http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
    expect(paper.doi).toBeNull();
    expect(
      paper.abstract.startsWith('We discuss the asymptotic behaviour of models of lattice polygons'),
    ).toBe(true);
    expect(paper.abstract.endsWith('a pedagogic review of known results.')).toBe(true);
  });

  it('splits "A, B, and C" author lines, decodes &quot; and keeps both DOIs (0704.0471)', () => {
    const { element, identifier } = record(RAW_PAGE, '0704.0471');
    const paper = parseArxivRaw(element, identifier);
    expect(paper.authors).toEqual(['D.V. Shetty', 'S.J. Yennello', 'G.A. Souliotis']);
    expect(paper.title).toBe(
      'Density dependence of the symmetry energy and the nuclear equation of state: A Dynamical and ' +
        'Statistical model perspective',
    );
    expect(paper.abstract).toContain('rules out an extremely " stiff " and " soft " form');
    expect(paper.doi).toBe('10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902');
    expect(paper.license).toBeNull();
    expect(paper.versions).toEqual([{ version: 1, submittedAt: '2007-04-03T22:04:11.000Z', size: '294kb' }]);
  });

  it('reads the GetRecord response, ignoring source_type and the submitter (1302.2146)', () => {
    const { element, identifier } = record(RAW_GET, '1302.2146');
    const paper = parseArxivRaw(element, identifier);
    expect(paper).toMatchObject({
      arxivId: '1302.2146',
      title: 'The Same-Sign Dilepton Signature of RPV/MFV SUSY',
      authors: ['Joshua Berger', 'Maxim Perelstein', 'Michael Saelim', 'Philip Tanedo'],
      // The paper's own primary category comes first, whatever order the header's sets have.
      categories: ['hep-ph', 'hep-ex'],
      comments: '18 pages, 6 figures; v2: References added',
      versions: [
        { version: 1, submittedAt: '2013-02-08T21:00:01.000Z', size: '853kb' },
        { version: 2, submittedAt: '2013-04-02T01:50:08.000Z', size: '849kb' },
      ],
    });
    expect(JSON.stringify(paper)).not.toContain('submitter');
  });

  it('keeps math in titles as written (0704.1586)', () => {
    const { element, identifier } = record(RAW_PAGE, '0704.1586');
    expect(parseArxivRaw(element, identifier).title).toBe(
      'Core excitation in the elastic scattering and breakup of $^{11}$Be on protons',
    );
  });

  it('names the record and the problem when a required part is missing or wrong', () => {
    const { element, identifier } = record(RAW_GET, '1302.2146');
    const without = (key: string): XmlElement =>
      Object.fromEntries(Object.entries(element).filter(([k]) => k !== key));
    const bad: [XmlElement, string, RegExp][] = [
      [without('title'), identifier, /arXivRaw record oai:arXiv.org:1302.2146: missing <title>/],
      [without('abstract'), identifier, /missing <abstract>/],
      [without('authors'), identifier, /missing <authors>/],
      [without('categories'), identifier, /missing <categories>/],
      [without('version'), identifier, /no <version> elements/],
      [without('id'), identifier, /missing <id>/],
      [{ ...element, id: '1302.21x6' }, identifier, /malformed arXiv id "1302.21x6"/],
      [element, 'oai:arXiv.org:1302.2147', /<id> 1302.2146 does not match the header identifier/],
      [
        { ...element, version: [{ '@_version': 'v1', date: 'Fri, 31 Feb 2013 21:00:01 GMT' }] },
        identifier,
        /unreadable date "Fri, 31 Feb 2013 21:00:01 GMT" for v1/,
      ],
      [
        { ...element, version: [{ date: 'Fri, 8 Feb 2013 21:00:01 GMT' }] },
        identifier,
        /has no version="vN" attribute/,
      ],
      [
        { ...element, version: [{ '@_version': 'v2', date: 'Fri, 8 Feb 2013 21:00:01 GMT' }] },
        identifier,
        /does not start at v1/,
      ],
    ];
    for (const [el, id, message] of bad) {
      const attempt = () => parseArxivRaw(el, id);
      expect(attempt).toThrow(OaiRecordError);
      expect(attempt).toThrow(message);
    }
  });
});

describe('arXiv format', () => {
  it('joins forenames, keyname and suffix and decodes character references (physics 1501.03491)', () => {
    const { element, identifier } = record(PHYSICS, '1501.03491');
    const { record: paper } = parseArxivFormat(element, identifier);
    expect(paper.authors).toEqual([
      'Edésio M. Barboza Jr.',
      'Rafael C. Nunes',
      'Éverton M. C. Abreu',
      'Jorge Ananias Neto',
    ]);
  });

  it('decodes accented names from numeric references (cs)', () => {
    const authorsOf = (id: string) =>
      parseArxivFormat(record(CS, id).element, `oai:arXiv.org:${id}`).record.authors;
    expect(authorsOf('1404.5569')).toEqual(['Martin Böhm', 'Jiří Sgall', 'Rob van Stee', 'Pavel Veselý']);
    expect(authorsOf('1501.03602')).toEqual(['Jana Hadravová', 'Štěpán Holub']);
    expect(authorsOf('1501.03784').at(-1)).toBe('Y. Ahmet Şekercioğlu');
    expect(authorsOf('1405.2349')).toEqual(['Jan Hązła', 'Thomas Holenstein']);
  });

  it('converts TeX accents in titles and abstracts but leaves math alone (cs 1501.03724, 1405.2349)', () => {
    const frechet = parseArxivFormat(record(CS, '1501.03724').element, 'oai:arXiv.org:1501.03724').record;
    expect(frechet.title).toBe('A faster algorithm for the discrete Fréchet distance under translation');
    expect(frechet.abstract).toContain(
      'two sequences of points $P=(p_1,\\ldots, p_m)$ and $Q=(q_1,\\ldots,q_n)$.',
    );
    const tails = parseArxivFormat(record(CS, '1405.2349').element, 'oai:arXiv.org:1405.2349').record;
    expect(tails.abstract).toContain('in an Erdős-Rényi random graph');
    expect(tails.abstract).toContain('Janson, Oleszkiewicz and Ruciński (Israel J. Math, 2002).');
    expect(tails.abstract).toContain('yields a "right" bound');
  });

  it('records v1 at <created> and reports <updated> beside it, inventing no version number (1111.1546)', () => {
    const parsed = parseArxivFormat(record(CS, '1111.1546').element, 'oai:arXiv.org:1111.1546');
    expect(parsed.updatedOn).toBe('2015-01-15');
    expect(parsed.record.versions).toEqual([
      { version: 1, submittedAt: '2011-11-07T00:00:00.000Z', size: null },
    ]);
    expect(parsed.record.authors).toEqual(['Tobias Brunsch', 'Heiko Röglin']);
    expect(parsed.record.comments).toBe('to appear in JACM');
    const fresh = parseArxivFormat(record(CS, '1501.03810').element, 'oai:arXiv.org:1501.03810');
    expect(fresh.updatedOn).toBeNull();
    expect(fresh.record.title).toBe(
      'Time-Varying Input and State Delay Compensation for Uncertain Nonlinear Systems',
    );
  });

  it('keeps collaborations that have only a keyname (physics)', () => {
    const all = records(PHYSICS).map((r) => parseArxivFormat(r.metadata!.element, r.identifier).record);
    const names = all.flatMap((p) => p.authors);
    expect(names).toContain('ATLAS Collaboration');
    expect(names).toContain('CMS Collaboration');
    // Every one of the 150 real records parses.
    expect(all).toHaveLength(150);
  });

  it('reads report numbers, journal refs and DOIs (hep-ex 1706.09418)', () => {
    const { element, identifier } = record('arXiv_hepcrawl-2017/arxiv-physics-hep-ex.xml', '1706.09418');
    const { record: paper, updatedOn } = parseArxivFormat(element, identifier);
    expect(paper).toMatchObject({
      title: 'R-Parity Violation at the LHC',
      authors: ['Daniel Dercks', 'Herbi Dreiner', 'Manuel E. Krauss', 'Toby Opferkuch', 'Annika Reinert'],
      categories: ['hep-ph', 'hep-ex'],
      reportNo: 'BONN-TH-2017-03',
      journalRef: 'Eur. Phys. J. C (2017) 77:856',
      doi: '10.1140/epjc/s10052-017-5414-4',
      versions: [{ version: 1, submittedAt: '2017-06-28T00:00:00.000Z', size: null }],
    });
    expect(updatedOn).toBe('2017-11-26');
  });

  it('reads the pretty-printed GetRecord response (1507.03011)', () => {
    const { element, identifier } = record('arXiv_invenio-2015-2017/sample_arxiv_response.xml', '1507.03011');
    const { record: paper } = parseArxivFormat(element, identifier);
    expect(paper.authors).toEqual(['J. E. Young', 'Rachel Kuzio de Naray', 'Sharon X. Wang']);
    expect(paper.categories).toEqual(['astro-ph.GA']);
  });

  it('rejects records without <created> or with an impossible day', () => {
    const { element, identifier } = record(CS, '1501.03810');
    const noCreated = Object.fromEntries(Object.entries(element).filter(([k]) => k !== 'created'));
    expect(() => parseArxivFormat(noCreated, identifier)).toThrow(
      /arXiv record oai:arXiv.org:1501.03810: missing <created>/,
    );
    expect(() => parseArxivFormat({ ...element, updated: '2015-02-30' }, identifier)).toThrow(
      /unreadable <updated> "2015-02-30"/,
    );
  });

  it('dispatches on the format name', () => {
    const raw = record(RAW_GET, '1302.2146');
    expect(parseArxivOaiMetadata('arXivRaw', raw.element, raw.identifier).record.versions).toHaveLength(2);
    // An arXivRaw element read as arXiv lacks <created>: the mix-up is caught, not stored.
    expect(() => parseArxivOaiMetadata('arXiv', raw.element, raw.identifier)).toThrow(/missing <created>/);
  });
});

describe('rfc2822ToIso', () => {
  it('reads arXiv dates, with or without weekday and seconds, in GMT or with an offset', () => {
    expect(rfc2822ToIso('Tue, 3 Apr 2007 22:04:11 GMT')).toBe('2007-04-03T22:04:11.000Z');
    expect(rfc2822ToIso('3 Apr 2007 22:04 GMT')).toBe('2007-04-03T22:04:00.000Z');
    expect(rfc2822ToIso('Tue, 3 Apr 2007 22:04:11 -0500')).toBe('2007-04-04T03:04:11.000Z');
  });

  it('refuses what is not a real date', () => {
    for (const bad of [
      '',
      '2007-04-03',
      'Tue, 31 Feb 2007 22:04:11 GMT',
      'Tue, 3 Foo 2007 22:04:11 GMT',
      '3 Apr 2007 25:04:11 GMT',
      '3 Apr 2007 22:04:61 GMT',
    ]) {
      expect(rfc2822ToIso(bad)).toBeNull();
    }
  });
});
