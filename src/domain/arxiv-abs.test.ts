import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseAbs, splitAbsBundle } from './arxiv-abs.ts';
import type { PaperRecord } from './paper.ts';

const bundle = readFileSync(new URL('../../fixtures/demo/arxiv-0704.abs', import.meta.url), 'utf8');
const records = splitAbsBundle(bundle);
const byId = new Map(records.map((text) => [/^arXiv:(\S+)$/m.exec(text)?.[1] ?? '', text]));

function recordText(id: string): string {
  const text = byId.get(id);
  if (text === undefined) throw new Error(`fixture has no record ${id}`);
  return text;
}

function parsed(id: string): PaperRecord {
  return parseAbs(recordText(id));
}

/** A small well-formed record to break in the error tests. */
const MINIMAL = [
  '------------------------------------------------------------------------------',
  '\\\\',
  'arXiv:0704.9999',
  'From: Someone <xx@example.org>',
  'Date: Mon, 2 Apr 2007 19:18:42 GMT   (10kb)',
  '',
  'Title: A title',
  'Authors: A. Author',
  'Categories: hep-th',
  '\\\\',
  '  An abstract.',
  '\\\\',
  '',
].join('\n');

describe('splitAbsBundle', () => {
  it('splits the demo bundle into its 1,001 records, losing nothing', () => {
    expect(records).toHaveLength(1001);
    expect(records.join('')).toBe(bundle);
    for (const text of records) expect(text.startsWith('-'.repeat(78) + '\n\\\\\n')).toBe(true);
  });

  it('returns nothing for empty input and one record for a lone record', () => {
    expect(splitAbsBundle('')).toEqual([]);
    expect(splitAbsBundle(MINIMAL)).toEqual([MINIMAL]);
  });

  it('keeps text before the first separator as a record so it cannot vanish silently', () => {
    expect(splitAbsBundle(`stray\n${MINIMAL}`)).toEqual(['stray\n', MINIMAL]);
    expect(splitAbsBundle(`\n\n${MINIMAL}`)).toEqual([MINIMAL]);
  });
});

describe('parseAbs on the whole demo bundle', () => {
  const papers = records.map((text) => parseAbs(text));

  it('parses all 1,001 records with unique ids in order', () => {
    expect(papers).toHaveLength(1001);
    const ids = papers.map((p) => p.arxivId);
    expect(new Set(ids).size).toBe(1001);
    expect(ids[0]).toBe('0704.0001');
    expect(ids[1000]).toBe('0704.1001');
    expect(ids).toEqual([...ids].sort());
  });

  it('gives every record its required fields', () => {
    for (const p of papers) {
      expect(p.title, p.arxivId).not.toBe('');
      expect(p.abstract, p.arxivId).not.toBe('');
      expect(p.authors.length, p.arxivId).toBeGreaterThan(0);
      expect(p.categories.length, p.arxivId).toBeGreaterThan(0);
      for (const name of p.authors) expect(name, p.arxivId).toMatch(/^\S(.*\S)?$/);
      expect(p.title, p.arxivId).not.toMatch(/\s{2}|\n/);
      expect(p.abstract, p.arxivId).not.toMatch(/\s{2}|\n/);
    }
  });

  it('numbers versions 1..n with increasing ISO-8601 UTC dates', () => {
    for (const p of papers) {
      expect(p.versions.map((v) => v.version)).toEqual(p.versions.map((_, i) => i + 1));
      for (const v of p.versions) {
        expect(v.submittedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
        expect(v.size).toMatch(/^\d+kb$/);
      }
      const times = p.versions.map((v) => v.submittedAt);
      expect(times).toEqual([...times].sort());
    }
  });

  it('keeps no submitter e-mail anywhere', () => {
    records.forEach((text, i) => {
      const email = /^From:.*<([^>]+)>/m.exec(text)?.[1];
      expect(email).toBeDefined();
      expect(JSON.stringify(papers[i])).not.toContain(email);
    });
  });

  it('leaves no TeX accent macro outside math in titles and author names', () => {
    const accent = /\\(['"`^~=.]|[cvuH]\{)/;
    for (const p of papers) {
      expect(p.title.replace(/\$[^$]*\$/g, ''), p.arxivId).not.toMatch(accent);
      for (const name of p.authors) expect(name, p.arxivId).not.toMatch(/[\\{}()]/);
    }
  });
});

describe('parseAbs on individual records', () => {
  it('parses 0704.0001 exactly', () => {
    const p = parsed('0704.0001');
    expect(p).toEqual({
      arxivId: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: expect.stringMatching(
        /^A fully differential calculation in perturbative .* selection of events\.$/,
      ),
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      categories: ['hep-ph'],
      versions: [
        { version: 1, submittedAt: '2007-04-02T19:18:42.000Z', size: '443kb' },
        { version: 2, submittedAt: '2007-07-24T20:10:27.000Z', size: '370kb' },
      ],
      comments: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      reportNo: 'ANL-HEP-PR-07-12',
      license: null,
    });
    expect(p.abstract).toContain('quark-antiquark, gluon-(anti)quark, and gluon-gluon subprocesses');
  });

  it('parses 0704.0002: two categories, a licence, no journal data, math kept as written', () => {
    const p = parsed('0704.0002');
    expect(p.title).toBe('Sparsity-certifying Graph Decompositions');
    expect(p.authors).toEqual(['Ileana Streinu', 'Louis Theran']);
    expect(p.categories).toEqual(['math.CO', 'cs.CG']);
    expect(p.license).toBe('http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
    expect(p.journalRef).toBeNull();
    expect(p.doi).toBeNull();
    expect(p.reportNo).toBeNull();
    expect(p.comments).toBe('To appear in Graphs and Combinatorics');
    // The ",D" source flag after the size is dropped.
    expect(p.versions).toEqual([
      { version: 1, submittedAt: '2007-03-31T02:26:18.000Z', size: '377kb' },
      { version: 2, submittedAt: '2008-12-13T17:26:00.000Z', size: '136kb' },
    ]);
    expect(p.abstract).toMatch(
      /^We describe a new algorithm, the \$\(k,\\ell\)\$-pebble game with colors, and use it/,
    );
  });

  it('gives null for every absent optional field (0704.0005)', () => {
    const p = parsed('0704.0005');
    expect(p).toMatchObject({ comments: null, journalRef: null, doi: null, reportNo: null, license: null });
    expect(p.title).toBe(String.raw`From dyadic $\Lambda_{\alpha}$ to $\Lambda_{\alpha}$`);
    expect(p.abstract).toContain(String.raw`norm, $\alpha\ge 0$, using the dyadic grid`);
    expect(p.versions).toEqual([{ version: 1, submittedAt: '2007-04-02T18:09:58.000Z', size: '8kb' }]);
  });

  it('joins values continued on indented lines (0704.0325), ignoring Proxy', () => {
    const p = parsed('0704.0325');
    expect(p.title).toBe(
      'Fluctuation-dissipation relation on a Melde string in a turbulent flow, ' +
        'considerations on a "dynamical temperature"',
    );
    expect(p.authors).toEqual(['Vincent Grenard', 'Nicolas Garnier', 'Antoine Naert']);
    expect(p.categories).toEqual(['cond-mat.stat-mech', 'physics.ins-det']);
    expect(p.doi).toBe('10.1088/1742-5468/2008/09/L09003');
    expect(p.versions.map((v) => v.submittedAt)).toEqual([
      '2007-04-03T06:56:09.000Z',
      '2008-06-19T12:29:34.000Z',
      '2008-08-01T08:57:10.000Z',
    ]);
    expect(JSON.stringify(p)).not.toContain('ensl-00139546');
  });

  it('reads eight versions, multi-line comments and journal ref, and several DOIs (0704.0389)', () => {
    const p = parsed('0704.0389');
    expect(p.versions).toHaveLength(8);
    expect(p.versions[7]).toEqual({ version: 8, submittedAt: '2011-07-22T17:35:59.000Z', size: '34kb' });
    expect(p.journalRef).toBe(
      'Phys.Rev.D75:124007,2007; Erratum-ibid.D82:069904,2010; Erratum-ibid.D82:129903,2010',
    );
    expect(p.comments).toBe(
      'Typos found in sec. III, this version has the corrected expressions. An erratum is in press. ' +
        '22 pages, added a paragraph to sec. V B; Erratum-ibid.D82:069904,2010; Erratum-ibid.D82:129903,2010',
    );
    // arXiv lists several DOIs in one field; they are kept as written, space-separated.
    expect(p.doi).toBe('10.1103/PhysRevD.75.124007 10.1103/PhysRevD.82.029901 10.1103/PhysRevD.82.129903');
  });

  it('reads a multi-line comment with URLs and keeps the report number (0704.0086)', () => {
    const p = parsed('0704.0086');
    expect(p.comments).toBe(
      'Published in at http://dx.doi.org/10.1214/07-AAP481 the Annals of Applied Probability ' +
        '(http://www.imstat.org/aap/) by the Institute of Mathematical Statistics (http://www.imstat.org)',
    );
    expect(p.reportNo).toBe('IMS-AAP-AAP481');
    expect(p.journalRef).toBe('Annals of Applied Probability 2008, Vol. 18, No. 3, 1026-1058');
    expect(p.versions[1]).toEqual({ version: 2, submittedAt: '2008-06-17T06:56:43.000Z', size: '134kb' });
  });

  it('removes a nested multi-line affiliation block (0704.0025)', () => {
    expect(parsed('0704.0025').authors).toEqual(['A. S. Mishchenko', 'N. Nagaosa']);
  });

  it('removes numbered affiliations with ", and" (0704.0177)', () => {
    expect(parsed('0704.0177').authors).toEqual([
      'A. Greilich',
      'M. Wiemann',
      'F. G. G. Hernandez',
      'D. R. Yakovlev',
      'I. A. Yugova',
      'A. Shabaev',
      'Al. L. Efros',
      'D. Reuter',
      'A. D. Wieck',
      'M. Bayer',
    ]);
  });

  it('removes an unnumbered affiliation block after a semicolon (0704.0307)', () => {
    const authors = parsed('0704.0307').authors;
    expect(authors).toHaveLength(8);
    expect(authors.at(-1)).toBe('Gibor Basri');
  });

  it('drops "(for the STAR Collaboration)" (0704.0220)', () => {
    expect(parsed('0704.0220').authors).toEqual(['Jason Glyndwr Ulery']);
  });

  it('converts accented author names', () => {
    expect(parsed('0704.0062').authors).toEqual(['Rastislav Šrámek', 'Broňa Brejová', 'Tomáš Vinař']);
    expect(parsed('0704.0049').authors).toEqual(['Mikkel Øbro']);
    expect(parsed('0704.0215').authors).toEqual(['Zbigniew Puchała', 'Tomasz Rolski']);
    expect(parsed('0704.0443').authors.at(-1)).toBe('Ulf-G. Meißner');
    expect(parsed('0704.0833').authors).toEqual(['Árpád Bényi', 'Kasso A. Okoudjou']);
    expect(parsed('0704.0593').authors).toEqual([
      'Jürgen Kästel',
      'Michael Fleischhauer',
      'Gediminas Juzeliūnas',
    ]);
  });

  it('converts accents in titles and abstracts but not inside math', () => {
    expect(parsed('0704.0812').authors[0]).toBe('Rodrigo F. Díaz');
    expect(parsed('0704.0812').abstract).toContain('(D1: 5895.92 Å; D2: 5889.95 Å)');
    expect(parsed('0704.0452').abstract).toContain(String.raw`line at 12.14 Å was about $5 \times 10^{-3}$`);
    expect(parsed('0704.0541').abstract).toContain('Solving a conjecture of Erdős and Heilbronn');
    // `\' c` with a space: TeX still puts the accent on the c.
    expect(parsed('0704.0068').abstract).toContain('A. Petojević verified useful properties');
    expect(parsed('0704.0529').abstract).toContain('length of 31-40 Å, in agreement');
    expect(parsed('0704.0529').authors).toContain('Ø. Fischer');
  });

  it('keeps a suffix with its name (0704.0367)', () => {
    const p = parsed('0704.0367');
    expect(p.authors).toEqual(['Eyo Eyo Ita III']);
    expect(p.versions).toHaveLength(6);
  });
});

describe('parseAbs on other shapes', () => {
  it('reads old-style records: "Paper:" ids and "replaced with revised version" lines', () => {
    const text = [
      '\\\\',
      'Paper: hep-th/9901001',
      'From: Someone <xx@example.org>',
      'Date: Fri, 1 Jan 1999 10:00:00 GMT   (12kb)',
      'replaced with revised version Tue, 5 Jan 1999 11:30:00 GMT   (13kb)',
      '',
      'Title: An old paper',
      'Authors: A. Author',
      'Categories: hep-th',
      '\\\\',
      '  Old abstract.',
      '\\\\',
    ].join('\n');
    const p = parseAbs(text);
    expect(p.arxivId).toBe('hep-th/9901001');
    expect(p.versions).toEqual([
      { version: 1, submittedAt: '1999-01-01T10:00:00.000Z', size: '12kb' },
      { version: 2, submittedAt: '1999-01-05T11:30:00.000Z', size: '13kb' },
    ]);
  });

  it('strips a version suffix from the id and accepts CRLF line endings', () => {
    const p = parseAbs(MINIMAL.replace('arXiv:0704.9999', 'arXiv:0704.9999v3').replace(/\n/g, '\r\n'));
    expect(p.arxivId).toBe('0704.9999');
    expect(p.title).toBe('A title');
    expect(p.abstract).toBe('An abstract.');
  });

  it('converts numeric time zones and tolerates a missing size', () => {
    const p = parseAbs(
      MINIMAL.replace('Mon, 2 Apr 2007 19:18:42 GMT   (10kb)', 'Mon, 2 Apr 2007 21:18:42 +0200'),
    );
    expect(p.versions).toEqual([{ version: 1, submittedAt: '2007-04-02T19:18:42.000Z', size: null }]);
  });

  it('keeps a "\\\\" line inside the abstract as a TeX line break', () => {
    const p = parseAbs(MINIMAL.replace('  An abstract.\n', '  $u_t = x$\n\\\\\n$v_t = y$\n'));
    expect(p.abstract).toBe('$u_t = x$ \\\\ $v_t = y$');
  });
});

describe('parseAbs errors', () => {
  it.each([
    ['Title', MINIMAL.replace('Title: A title\n', ''), /0704\.9999.*Title/],
    ['Authors', MINIMAL.replace('Authors: A. Author\n', ''), /0704\.9999.*Authors/],
    ['Categories', MINIMAL.replace('Categories: hep-th\n', ''), /0704\.9999.*Categories/],
    ['Date', MINIMAL.replace(/^Date:.*\n/m, ''), /0704\.9999.*Date/],
    ['abstract', MINIMAL.replace('  An abstract.\n', ''), /0704\.9999.*abstract/],
    ['abstract section', MINIMAL.split('\\\\\n  An')[0]!, /0704\.9999.*abstract/],
  ])('names the record when %s is missing', (_field, text, message) => {
    expect(() => parseAbs(text)).toThrow(message);
  });

  it('says when the id is missing', () => {
    expect(() => parseAbs(MINIMAL.replace('arXiv:0704.9999\n', ''))).toThrow(/without an id/);
    expect(() => parseAbs('')).toThrow(/without an id/);
  });

  it('rejects a malformed id or an unreadable date, naming the record', () => {
    expect(() => parseAbs(MINIMAL.replace('arXiv:0704.9999', 'arXiv:nonsense'))).toThrow(
      /nonsense.*malformed/,
    );
    expect(() => parseAbs(MINIMAL.replace('Mon, 2 Apr 2007', 'Mon, 31 Feb 2007'))).toThrow(
      /0704\.9999.*date/,
    );
  });

  it('throws an Error instance', () => {
    expect(() => parseAbs(MINIMAL.replace('Title: A title\n', ''))).toThrow(Error);
  });
});
