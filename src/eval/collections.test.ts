import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Collection } from './collections.ts';
import {
  cleverdonGain,
  detectFormat,
  judgedQueries,
  loadCollection,
  numberQueries,
  parseQrels,
  parseSmartRecords,
} from './collections.ts';

// The workspace's copies of the classic collections (see each folder's MANIFEST.md). A checkout
// without them (a clean CI machine) skips these tests rather than failing.
const IR_DATA = path.resolve(import.meta.dirname, '../../../shared/data/ir');
const haveData = fs.existsSync(path.join(IR_DATA, 'cacm'));

function judgementCount(c: Collection): { all: number; relevant: number } {
  let all = 0;
  let relevant = 0;
  for (const grades of c.qrels.values()) {
    for (const g of grades.values()) {
      all += 1;
      if (g > 0) relevant += 1;
    }
  }
  return { all, relevant };
}

function expectNoCarriageReturns(c: Collection): void {
  const texts = [...c.docs.flatMap((d) => [d.title, d.text, ...d.authors]), ...c.queries.map((q) => q.text)];
  expect(texts.filter((t) => t.includes('\r'))).toEqual([]);
}

describe.skipIf(!haveData)('the SMART collections as distributed', () => {
  it('CACM: 3,204 docs, 64 queries of which 52 judged, 796 judgements', () => {
    const c = loadCollection(path.join(IR_DATA, 'cacm'));
    expect(c.name).toBe('cacm');
    expect(c.docs).toHaveLength(3204);
    expect(c.queries).toHaveLength(64); // the trailing empty ".I 0" record is not a query
    expect(judgedQueries(c)).toHaveLength(52);
    expect(judgementCount(c)).toEqual({ all: 796, relevant: 796 });
    expect(c.docs.filter((d) => d.text !== '')).toHaveLength(1587); // docs with an abstract
    expect(c.docs[0]).toEqual({
      id: '1',
      title: 'Preliminary Report-International Algebraic Language',
      text: '',
      authors: ['Perlis, A. J.', 'Samelson,K.'],
    });
    // qrels.text writes "01 1410"; queries and docs are "1" and "1410"
    expect(c.qrels.get('1')?.get('1410')).toBe(1);
    expect(c.queries.find((q) => q.id === '2')?.text).toBe(
      'I am interested in articles written either by Prieve or Udo Pooch Prieve, B. Pooch, U.',
    );
  });

  it('Cranfield: 1,400 docs, 225 queries numbered by position, all judged; -1 is not relevant', () => {
    const c = loadCollection(path.join(IR_DATA, 'cranfield'));
    expect(c.docs).toHaveLength(1400);
    expect(c.queries).toHaveLength(225);
    expect(judgedQueries(c)).toHaveLength(225);
    expect(judgementCount(c)).toEqual({ all: 1837, relevant: 1837 - 225 });
    // cran.qry's third record is ".I 004"; cranqrel calls it query 3
    expect(c.queries[2]).toEqual({
      id: '3',
      text: 'what problems of heat conduction in composite slabs have been solved so far .',
    });
    // "1 184 2" (Cleverdon code 2) has gain 3; "1 ... -1" lines have gain 0
    expect(c.qrels.get('1')?.get('184')).toBe(3);
    // doc 240's abstract contains stray ".A"/".B" lines, which are abstract, not authors
    const doc240 = c.docs.find((d) => d.id === '240');
    expect(doc240?.authors).toEqual(['dean r. chapman']);
    expect(doc240?.text).toContain('application to turbulent separations is made for a prandtl number');
    // the empty docs 471 and 995 are kept (995 is judged for query 125)
    expect(c.docs.find((d) => d.id === '995')).toEqual({ id: '995', title: '', text: '', authors: [] });
  });

  it('MED: 1,033 docs (abstracts, no titles), 30 queries, all judged, 696 judgements; CRLF stripped', () => {
    const c = loadCollection(path.join(IR_DATA, 'med'));
    expect(c.docs).toHaveLength(1033);
    expect(c.queries).toHaveLength(30);
    expect(judgedQueries(c)).toHaveLength(30);
    expect(judgementCount(c)).toEqual({ all: 696, relevant: 696 });
    expect(c.docs.every((d) => d.title === '' && d.text !== '')).toBe(true);
    expect(c.queries[0]).toEqual({ id: '1', text: 'the crystalline lens in vertebrates, including humans.' });
    expectNoCarriageReturns(c);
  });

  it('ADI: 82 docs, 35 queries, all judged, 170 judgements; CRLF stripped', () => {
    const c = loadCollection(path.join(IR_DATA, 'adi'));
    expect(c.docs).toHaveLength(82);
    expect(c.queries).toHaveLength(35);
    expect(judgedQueries(c)).toHaveLength(35);
    expect(judgementCount(c)).toEqual({ all: 170, relevant: 170 });
    // doc 41 has two ".A" blocks: two authors
    expect(c.docs.find((d) => d.id === '41')?.authors).toEqual(['K. H. MEYER-UHLENRIED', 'G. LUSTIG']);
    expectNoCarriageReturns(c);
  });

  it('detects SMART folders', () => {
    expect(detectFormat(path.join(IR_DATA, 'med'))).toBe('smart');
  });
});

describe('SMART parsing', () => {
  it('reads .I records and their fields, with CRLF or LF', () => {
    const text =
      '.I 001\r\n.T\r\nA title\r\n.A\r\nDoe, J.\r\n.W\r\nline one\r\n  line two  \r\n.I 2\n.W\ntext\n';
    const records = parseSmartRecords(text);
    expect(records.map((r) => r.id)).toEqual(['1', '2']);
    expect(records[0]?.fields.get('W')).toEqual(['line one', '  line two  ']);
    expect(records[1]?.fields.get('T')).toBeUndefined();
  });

  it('renumbers queries by position only when the qrels need it', () => {
    const queries = [
      { id: '1', text: 'a' },
      { id: '4', text: 'b' },
    ];
    expect(numberQueries(queries, new Map([['2', new Map([['x', 1]])]])).map((q) => q.id)).toEqual([
      '1',
      '2',
    ]);
    expect(numberQueries(queries, new Map([['4', new Map([['x', 1]])]])).map((q) => q.id)).toEqual([
      '1',
      '4',
    ]);
  });
});

describe('qrels variants', () => {
  it('TREC: qid iter docid grade', () => {
    const q = parseQrels('1 0 13 1\n1 Q0 14 2\n2 0 15 0\n');
    expect([...q.get('1')!]).toEqual([
      ['13', 1],
      ['14', 2],
    ]);
    expect(q.get('2')?.get('15')).toBe(0);
  });

  it('old SMART: qid docid 0 0 lists relevant pairs', () => {
    const q = parseQrels('01 1410  0 0\r\n1   46   0   0.000000   \r\n');
    expect([...q.get('1')!]).toEqual([
      ['1410', 1],
      ['46', 1],
    ]);
  });

  it("Cranfield's three columns with Cleverdon's codes (1 best, -1 not relevant)", () => {
    const q = parseQrels('1 184 1 \n1 29 4 \n1 31 -1', cleverdonGain);
    expect([...q.get('1')!]).toEqual([
      ['184', 4],
      ['29', 1],
      ['31', 0],
    ]);
  });
});

describe('BEIR folders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-beir-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'qrels'));
  fs.writeFileSync(
    path.join(dir, 'corpus.jsonl'),
    [
      { _id: 'doc1', title: 'Sparse retrieval', text: 'BM25 is a bag-of-words model.' },
      { _id: 'doc2', title: '', text: 'Dense retrieval uses embeddings.', metadata: {} },
      { _id: 3, text: 'No title field at all.' },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'queries.jsonl'),
    [
      '{"_id":"q1","text":"what is bm25"}',
      '{"_id":"q2","text":"embeddings"}',
      '{"_id":"q3","text":"unjudged"}',
    ]
      .join('\r\n')
      .concat('\r\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'qrels', 'test.tsv'),
    'query-id\tcorpus-id\tscore\nq1\tdoc1\t2\nq1\t3\t0\nq2\tdoc2\t1\n',
  );

  it('is detected and loaded', () => {
    expect(detectFormat(dir)).toBe('beir');
    const c = loadCollection(dir);
    expect(c.name).toBe(path.basename(dir));
    expect(c.docs).toEqual([
      { id: 'doc1', title: 'Sparse retrieval', text: 'BM25 is a bag-of-words model.', authors: [] },
      { id: 'doc2', title: '', text: 'Dense retrieval uses embeddings.', authors: [] },
      { id: '3', title: '', text: 'No title field at all.', authors: [] },
    ]);
    expect(c.queries.map((q) => q.id)).toEqual(['q1', 'q2', 'q3']);
    expect(judgedQueries(c).map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(c.qrels.get('q1')).toEqual(
      new Map([
        ['doc1', 2],
        ['3', 0],
      ]),
    );
  });

  it('rejects a folder that is neither format', () => {
    expect(() => detectFormat(path.join(dir, 'qrels'))).toThrow(/not a test collection/);
  });
});
