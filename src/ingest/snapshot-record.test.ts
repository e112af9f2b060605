// The snapshot record mapper on the 200 real records of the Kaggle snapshot (../shared/data), checked
// against exact values and against the same papers parsed from arXiv's own .abs files (fixtures/demo),
// and on broken records.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAbs, splitAbsBundle } from '../domain/arxiv-abs.ts';
import { latexAccentsToUnicode, normalizeWhitespace } from '../domain/text-normalize.ts';
import type { PaperRecord } from '../domain/paper.ts';
import { cleanText, collapseWhitespace, parseSnapshotLine, rfc2822ToIso } from './snapshot-record.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REAL_SNAPSHOT = path.resolve(
  ROOT,
  '../shared/data/arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl',
);

function realLines(): string[] {
  return fs.readFileSync(REAL_SNAPSHOT, 'utf8').split('\n').filter(Boolean);
}

function realRecords(): Map<string, PaperRecord> {
  const out = new Map<string, PaperRecord>();
  for (const line of realLines()) {
    const parsed = parseSnapshotLine(line);
    if (!parsed.ok) throw new Error(`${parsed.id}: ${parsed.reason}`);
    out.set(parsed.record.arxivId, parsed.record);
  }
  return out;
}

function realLine(id: string): Record<string, unknown> {
  const line = realLines().find((l) => l.startsWith(`{"id":"${id}"`));
  if (!line) throw new Error(`no real record ${id}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('parseSnapshotLine on the 200 real records', () => {
  it('reads every one', () => {
    const records = realRecords();
    expect(records.size).toBe(200);
    expect([...records.keys()][0]).toBe('0704.0001');
    expect([...records.keys()][199]).toBe('0704.0200');
  });

  it('maps 0704.0001 exactly: accents, wrapped title, authors in display order, versions as UTC', () => {
    expect(realRecords().get('0704.0001')).toEqual({
      arxivId: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: expect.stringMatching(
        /^A fully differential calculation in perturbative quantum chromodynamics is presented .* judicious selection of events\.$/,
      ) as unknown as string,
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      categories: ['hep-ph'],
      versions: [
        { version: 1, submittedAt: '2007-04-02T19:18:42.000Z', size: null },
        { version: 2, submittedAt: '2007-07-24T20:10:27.000Z', size: null },
      ],
      comments: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      reportNo: 'ANL-HEP-PR-07-12',
      license: null,
    });
  });

  it('keeps suffixes, drops affiliations, converts TeX accents in titles, splits categories', () => {
    const r = realRecords();
    expect(r.get('0704.0009')!.authors).toContain('Neal J. Evans II');
    expect(r.get('0704.0155')!.authors).toEqual([
      'Floris van der Tak',
      'John Black',
      'Fredrik Schoeier',
      'David Jansen',
      'Ewine van Dishoeck',
    ]);
    expect(r.get('0704.0020')!.authors).toEqual(['The BABAR Collaboration', 'B. Aubert']);
    expect(r.get('0704.0019')!.title).toBe(
      'Approximation for extinction probability of the contact process based on the Gröbner basis',
    );
    expect(r.get('0704.0073')!.title).toBe("A transcendental approach to Kollár's injectivity theorem");
    expect(r.get('0704.0073')!.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(r.get('0704.0002')!.categories).toEqual(['math.CO', 'cs.CG']);
    expect(r.get('0704.0002')!.license).toBe('http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
    expect(r.get('0704.0020')!.comments).toBe(
      '21 pages, 13 postscript figures, submitted to Phys. Rev. D, contributed to 42nd Rencontres de Moriond: QCD and Hadronic Interactions',
    );
  });

  it('reads the same papers as the .abs parser does from arXiv files of the same papers', () => {
    const abs = new Map(
      splitAbsBundle(fs.readFileSync(path.join(ROOT, 'fixtures/demo/arxiv-0704.abs'), 'utf8'))
        .map(parseAbs)
        .map((r) => [r.arxivId, r]),
    );
    let compared = 0;
    for (const [id, snap] of realRecords()) {
      const other = abs.get(id)!;
      expect(snap.versions[0]!.submittedAt, id).toBe(other.versions[0]!.submittedAt);
      // The .abs files and the snapshot were taken at different times: a later version may differ.
      if (other.versions.length !== snap.versions.length) continue;
      compared += 1;
      expect(snap.title, id).toBe(other.title);
      expect(snap.abstract, id).toBe(other.abstract);
      expect(snap.categories, id).toEqual(other.categories);
      expect(snap.versions.map((v) => v.submittedAt)).toEqual(other.versions.map((v) => v.submittedAt));
      // arXiv's author splitter spaces initials ("S.A." -> "S. A."); names otherwise agree.
      const squash = (names: string[]) => names.map((n) => n.replace(/\s+/g, '')).filter((n) => n !== 'etal');
      expect(squash(snap.authors), id).toEqual(squash(other.authors).map((n) => n.replace(/,?etal$/, '')));
    }
    expect(compared).toBeGreaterThanOrEqual(190);
  });
});

describe('parseSnapshotLine on broken lines', () => {
  const base = () => realLine('0704.0002');
  const line = (change: Record<string, unknown>, drop: string[] = []) => {
    const obj = { ...base(), ...change };
    for (const key of drop) delete obj[key];
    return JSON.stringify(obj);
  };

  it.each([
    ['truncated JSON', realLines()[0]!.slice(0, 300), /^malformed JSON/],
    ['not an object', '[1, 2, 3]', /^not a JSON object$/],
    ['a bare string', '"0704.0001"', /^not a JSON object$/],
    ['no id', line({}, ['id']), /^missing id$/],
    ['a malformed id', line({ id: '0704.1' }), /^malformed arXiv id "0704.1"$/],
    ['no title', line({}, ['title']), /^missing title$/],
    ['a blank title', line({ title: ' \n  ' }), /^missing title$/],
    ['a title that is a number', line({ title: 42 }), /^field "title" is a number, not text$/],
    ['no versions', line({}, ['versions']), /^missing versions$/],
    ['no versions at all', line({ versions: [] }), /^missing versions$/],
    ['a bad date', line({ versions: [{ version: 'v1', created: '31 Feb 2007' }] }), /unreadable date/],
    ['authors_parsed not a list', line({ authors_parsed: 'Theran, L.' }), /authors_parsed" is a string/],
  ])('skips %s with a reason', (_what, text, reason) => {
    const parsed = parseSnapshotLine(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('names the record when its id was readable', () => {
    const parsed = parseSnapshotLine(line({}, ['title']));
    expect(parsed).toEqual({ ok: false, id: '0704.0002', reason: 'missing title' });
  });

  it('keeps a record that only lacks optional fields, taking authors from the authors line', () => {
    const parsed = parseSnapshotLine(
      line({ id: '0704.0002v2', comments: '' }, [
        'abstract',
        'authors_parsed',
        'doi',
        'journal-ref',
        'license',
        'report-no',
        'categories',
        'submitter',
        'update_date',
      ]),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.record).toMatchObject({
      arxivId: '0704.0002',
      abstract: '',
      authors: ['Ileana Streinu', 'Louis Theran'],
      categories: [],
      comments: null,
      doi: null,
      license: null,
    });
  });
});

describe('text clean-up shortcuts', () => {
  const reference = (s: string) => normalizeWhitespace(latexAccentsToUnicode(normalizeWhitespace(s)));
  const pieces = [
    ...'\\\'"`^~=.uvHrkcdbtsaAeoOijlLngT{}$ x'.split(''),
    '$$',
    '\\(',
    '\\)',
    '\\\\',
    '\n',
    '\t',
    '\r',
    '\u00a0',
    '\u2003',
    'é',
    '\\ss',
    "\\'e",
    '\\v{s}',
    '\\i',
    '{\\"o}',
    '\\t{oo}',
    '\\alpha',
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(''));

  it('cleanText equals whitespace + accents + whitespace on any text', () => {
    fc.assert(
      fc.property(text, (s) => cleanText(s) === reference(s)),
      { numRuns: 20_000 },
    );
  });

  it('collapseWhitespace equals normalizeWhitespace on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => collapseWhitespace(s) === normalizeWhitespace(s)),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(text, (s) => collapseWhitespace(s) === normalizeWhitespace(s)),
      { numRuns: 20_000 },
    );
  });

  it('cleanText equals the reference on every field of the real records', () => {
    for (const line of realLines()) {
      const obj = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['title', 'abstract', 'comments', 'journal-ref', 'authors']) {
        const value = obj[key];
        if (typeof value === 'string') expect(cleanText(value)).toBe(reference(value));
      }
    }
  });
});

describe('rfc2822ToIso', () => {
  it.each([
    ['Mon, 2 Apr 2007 19:18:42 GMT', '2007-04-02T19:18:42.000Z'],
    ['2 Apr 2007 19:18 GMT', '2007-04-02T19:18:00.000Z'],
    ['Tue, 24 Jul 2007 20:10:27 +0200', '2007-07-24T18:10:27.000Z'],
    ['Tue, 24 Jul 2007 20:10:27', '2007-07-24T20:10:27.000Z'],
  ])('%s -> %s', (input, iso) => {
    expect(rfc2822ToIso(input)).toBe(iso);
  });

  it.each(['', '2007-04-02', 'Mon, 31 Feb 2007 10:00:00 GMT', 'Mon, 2 Foo 2007 10:00:00 GMT', '2 Apr 2007'])(
    'rejects %j',
    (input) => {
      expect(rfc2822ToIso(input)).toBeNull();
    },
  );
});
