// Loaders for IR test collections: the classic SMART distributions (CACM, Cranfield, MED, ADI as
// published by the Glasgow IR group) and BEIR folders. Each folder becomes one in-memory Collection
// with string ids, so metrics and the search index never see a file format.
import fs from 'node:fs';
import path from 'node:path';

export interface EvalDoc {
  id: string;
  title: string;
  text: string;
  authors: string[];
}

export interface EvalQuery {
  id: string;
  text: string;
}

/** queryId -> docId -> grade. Grade > 0 is relevant; 0 is judged non-relevant. */
export type Qrels = Map<string, Map<string, number>>;

export interface Collection {
  name: string;
  docs: EvalDoc[];
  queries: EvalQuery[];
  qrels: Qrels;
}

export type CollectionFormat = 'smart' | 'beir';

/** A folder that is missing, of neither format, or has a malformed file. */
export class CollectionError extends Error {
  override name = 'CollectionError';
}

/** Loads a SMART or BEIR folder, whichever it is; the collection is named after the folder. */
export function loadCollection(dir: string): Collection {
  const format = detectFormat(dir);
  return format === 'beir' ? loadBeir(dir) : loadSmart(dir);
}

export function detectFormat(dir: string): CollectionFormat {
  const names = listFiles(dir);
  if (names.includes('corpus.jsonl')) return 'beir';
  if (names.some((n) => SMART_DOCS.test(n))) return 'smart';
  throw new CollectionError(
    `${dir}: not a test collection (expected corpus.jsonl for BEIR, or a SMART *.all / *.all.N file)`,
  );
}

/** The queries that have at least one judgement; only these are scored (trec_eval's rule). */
export function judgedQueries(collection: Collection): EvalQuery[] {
  return collection.queries.filter((q) => (collection.qrels.get(q.id)?.size ?? 0) > 0);
}

// ---------------------------------------------------------------------------------------------
// SMART

const SMART_DOCS = /\.all(\.\d+)?$/i;
const SMART_QUERIES = /(\.qry|^query\.text)$/i;
// In order of preference. CACM ships both its original qrels.text and Anserini's TREC copy
// (qrels.cacm.txt, doc ids "CACM-1410"); MED ships MED.REL and the same judgements in
// MED.REL.OLD. The original file with plain numeric ids comes first.
const SMART_QRELS = [/\.rel$/i, /^qrels\.text$/i, /^cranqrel$/i];

/** One `.I` record: the id and the lines of each field marker (`T`, `W`, `A`, …). */
export interface SmartRecord {
  id: string;
  fields: Map<string, string[]>;
}

export function loadSmart(dir: string): Collection {
  const names = listFiles(dir);
  const docsFile = pick(dir, names, [SMART_DOCS], 'documents (*.all)');
  const queriesFile = pick(dir, names, [SMART_QUERIES], 'queries (*.qry or query.text)');
  const qrelsFile = pick(dir, names, SMART_QRELS, 'relevance judgements (*.rel, qrels.text, cranqrel)');
  const docs = parseSmartRecords(readText(dir, docsFile)).map(smartDoc);
  // CACM's query.text ends with an empty ".I 0" record, a terminator rather than a query.
  const rawQueries = parseSmartRecords(readText(dir, queriesFile))
    .map(smartQuery)
    .filter((q) => q.text !== '');
  const grade = qrelsFile === 'cranqrel' ? cleverdonGain : plainGain;
  const qrels = parseQrels(readText(dir, qrelsFile), grade);
  return { name: path.basename(path.resolve(dir)), docs, queries: numberQueries(rawQueries, qrels), qrels };
}

/**
 * Splits a SMART file into `.I` records. CRLF is accepted, and ids lose leading zeros
 * ("001" -> "1") because the qrels files write them without. Empty records are kept: Cranfield
 * docs 471 and 995 are empty but count (and 995 is judged).
 */
export function parseSmartRecords(text: string): SmartRecord[] {
  const records: SmartRecord[] = [];
  let current: SmartRecord | null = null;
  let field: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const id = /^\.I\s+(\S+)/.exec(line);
    if (id) {
      current = { id: normalizeId(id[1]!), fields: new Map() };
      records.push(current);
      field = null;
      continue;
    }
    const marker = /^\.([A-Z])\s*$/.exec(line);
    if (marker && current) {
      field = fieldFor(current, marker[1]!);
      if (!current.fields.has(field)) current.fields.set(field, []);
      continue;
    }
    if (current && field) current.fields.get(field)!.push(line);
  }
  return records;
}

// A few Cranfield abstracts contain lines that start with ".A" or ".B" mid-text (doc 240), which
// a naive parser turns into bogus authors. A marker repeated after the abstract has begun is
// therefore read as more abstract. Repeats before it (ADI doc 41 lists two ".A" blocks) still
// add to their own field.
function fieldFor(record: SmartRecord, marker: string): string {
  if (marker !== 'W' && record.fields.has(marker) && record.fields.has('W')) return 'W';
  return marker;
}

function smartDoc(record: SmartRecord): EvalDoc {
  return {
    id: record.id,
    title: joinLines(record.fields.get('T')),
    text: joinLines(record.fields.get('W')),
    authors: (record.fields.get('A') ?? []).map((l) => l.trim()).filter((l) => l !== ''),
  };
}

// CACM queries name wanted authors under .A ("articles by Prieve or Pooch"); they are part of
// the request, as in Anserini's topics.cacm.txt. .N (who asked) is not.
function smartQuery(record: SmartRecord): EvalQuery {
  const parts = [joinLines(record.fields.get('W')), joinLines(record.fields.get('A'))];
  return { id: record.id, text: parts.filter((p) => p !== '').join(' ') };
}

/**
 * Cranfield's cran.qry numbers its queries 1, 2, 4, 8, 9, … while cranqrel numbers them by
 * position (1..225). When the qrels name query ids that the file does not have, but every one of
 * them is a valid position, the queries are renumbered by position.
 */
export function numberQueries(queries: EvalQuery[], qrels: Qrels): EvalQuery[] {
  const ids = new Set(queries.map((q) => q.id));
  const judged = [...qrels.keys()];
  const byPosition =
    judged.some((id) => !ids.has(id)) && judged.every((id) => isPosition(id, queries.length));
  return byPosition ? queries.map((q, i) => ({ ...q, id: String(i + 1) })) : queries;
}

function isPosition(id: string, count: number): boolean {
  return /^\d+$/.test(id) && Number(id) >= 1 && Number(id) <= count;
}

// ---------------------------------------------------------------------------------------------
// Qrels

/** Maps a grade as written in a qrels file to the gain the metrics use; 0 = not relevant. */
export type GradeMapping = (raw: number) => number;

const plainGain: GradeMapping = (raw) => Math.max(0, raw);

/**
 * cranqrel uses Cleverdon's codes, where 1 is the best ("a complete answer") and 4 the weakest
 * ("minimum interest"), plus one -1 line per query (cranqrel.readme). As gains: 1 -> 4 … 4 -> 1,
 * and -1 -> 0 (judged, not relevant). ir_datasets passes the raw codes through instead, so
 * graded nDCG on Cranfield is not comparable with numbers computed that way; MAP and recall are.
 */
export const cleverdonGain: GradeMapping = (raw) => (raw >= 1 && raw <= 4 ? 5 - raw : 0);

/**
 * Reads the qrels variants found in SMART and TREC distributions, one judgement per line:
 *   qid iter docid grade   TREC ("1 0 13 1", "1 Q0 CACM-1410 1"): the second column is 0/Q0
 *   qid docid 0 0[.000]    old SMART (qrels.text, ADI.REL): every listed pair is relevant
 *   qid docid grade        Cranfield's cranqrel
 * The 4-column forms are told apart per file, by whether the second column is always 0/Q0.
 */
export function parseQrels(text: string, grade: GradeMapping = plainGain): Qrels {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3);
  const trec = rows.every((cols) => cols.length === 4 && (cols[1] === '0' || cols[1] === 'Q0'));
  const qrels: Qrels = new Map();
  for (const cols of rows) {
    const [qid, docId, raw] = trec
      ? [cols[0]!, cols[2]!, Number(cols[3])]
      : cols.length === 3
        ? [cols[0]!, cols[1]!, Number(cols[2])]
        : [cols[0]!, cols[1]!, 1];
    if (!Number.isFinite(raw)) throw new CollectionError(`qrels: bad grade in line "${cols.join(' ')}"`);
    addJudgement(qrels, normalizeId(qid), normalizeId(docId), grade(raw));
  }
  return qrels;
}

function addJudgement(qrels: Qrels, queryId: string, docId: string, gain: number): void {
  let judged = qrels.get(queryId);
  if (!judged) qrels.set(queryId, (judged = new Map()));
  // A pair judged twice keeps its best grade.
  judged.set(docId, Math.max(gain, judged.get(docId) ?? 0));
}

// ---------------------------------------------------------------------------------------------
// BEIR

interface BeirCorpusLine {
  _id: string | number;
  title?: string;
  text?: string;
}

interface BeirQueryLine {
  _id: string | number;
  text?: string;
}

/** BEIR: corpus.jsonl, queries.jsonl and qrels/test.tsv ("query-id corpus-id score" header). */
export function loadBeir(dir: string): Collection {
  const docs = readJsonl<BeirCorpusLine>(dir, 'corpus.jsonl').map((d) => ({
    id: String(d._id),
    title: d.title ?? '',
    text: d.text ?? '',
    authors: [],
  }));
  const queries = readJsonl<BeirQueryLine>(dir, 'queries.jsonl').map((q) => ({
    id: String(q._id),
    text: q.text ?? '',
  }));
  return { name: path.basename(path.resolve(dir)), docs, queries, qrels: parseBeirQrels(dir) };
}

function parseBeirQrels(dir: string): Qrels {
  const lines = readText(dir, path.join('qrels', 'test.tsv')).split(/\r?\n/);
  const qrels: Qrels = new Map();
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '' || (i === 0 && /query-id/i.test(line))) continue;
    const [qid, docId, score] = line.split('\t');
    const raw = Number(score);
    if (qid === undefined || docId === undefined || !Number.isFinite(raw)) {
      throw new CollectionError(
        `${dir}/qrels/test.tsv line ${i + 1}: expected "query-id<TAB>corpus-id<TAB>score"`,
      );
    }
    // Kept as written: BEIR ids are strings and "007" is not "7".
    const judged = qrels.get(qid) ?? new Map<string, number>();
    judged.set(docId, Math.max(0, raw));
    qrels.set(qid, judged);
  }
  return qrels;
}

function readJsonl<T>(dir: string, file: string): T[] {
  return readText(dir, file)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new CollectionError(`${path.join(dir, file)} line ${i + 1}: not JSON`);
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new CollectionError(`${dir}: no such folder`);
  return fs.readdirSync(dir).sort();
}

function pick(dir: string, names: string[], patterns: RegExp[], what: string): string {
  for (const pattern of patterns) {
    const found = names.find((n) => pattern.test(n));
    if (found) return found;
  }
  throw new CollectionError(`${dir}: no ${what} file`);
}

function readText(dir: string, file: string): string {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) throw new CollectionError(`${full}: missing`);
  return fs.readFileSync(full, 'utf8');
}

function joinLines(lines: string[] | undefined): string {
  return (lines ?? []).join(' ').replace(/\s+/g, ' ').trim();
}

/** "007" -> "7" for numeric SMART ids; anything else is kept. */
function normalizeId(id: string): string {
  return /^\d+$/.test(id) ? String(Number(id)) : id;
}
