// Papers with Code paper→code links: sets code_url and github_stars on papers we already have.
// Two shapes are read: the CSV of rockett-m/grimrepor (paper_repo_info.csv: the PwC
// links-between-papers-and-code dump with GitHub stars added) and PwC's own dump
// links-between-papers-and-code.json[.gz] (an array of {paper_arxiv_id, repo_url, is_official, …}).
// Per paper the official link wins, then the one with most stars, then the first.
import fs from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { DatabaseHandle } from '../db/database.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSignals } from '../db/repositories/paper-repository.ts';
import { withTransaction } from '../db/transaction.ts';
import { parseArxivId } from '../domain/arxiv-id.ts';
import { normalizeRepoUrl } from '../domain/code-links.ts';

export class PwcLinksError extends Error {
  override name = 'PwcLinksError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`Papers with Code links (${source}): ${message}`);
  }
}

export interface PwcLink {
  arxivId: string;
  /** Normalised link to show (repository root, or a folder of a monorepo). */
  url: string;
  /** Repository root, to compare with a stored link. */
  repoUrl: string;
  official: boolean;
  stars: number | null;
  /** Line (CSV) or 1-based entry (JSON) it came from. */
  at: number;
}

export interface SkippedRow {
  at: number;
  reason: string;
}

export interface PwcParse {
  rows: number;
  links: PwcLink[];
  skipped: SkippedRow[];
}

interface RawRow {
  at: number;
  arxivId: unknown;
  repoUrl: unknown;
  official: unknown;
  stars: unknown;
}

/** Reads a .csv, .json or .json.gz dump from a file. */
export async function loadPwcFile(file: string): Promise<PwcParse> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new PwcLinksError(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new PwcLinksError(file, `not a valid gzip file (${(err as Error).message})`);
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*[[{]/.test(text) ? parsePwcJson(text, file) : parsePwcCsv(text, file);
}

/** PwC's JSON dump: an array of link objects. */
export function parsePwcJson(text: string, source: string): PwcParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PwcLinksError(source, `not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new PwcLinksError(source, 'expected a JSON array of paper-code links');
  const rows = raw.map((v: unknown, i): RawRow => {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    return {
      at: i + 1,
      arxivId: o.paper_arxiv_id,
      repoUrl: o.repo_url,
      official: o.is_official,
      stars: o.stars,
    };
  });
  return toLinks(rows);
}

/** The grimrepor CSV (header paper_title,paper_url,paper_arxiv_id,repo_url,is_official,…,stars,…). */
export function parsePwcCsv(text: string, source: string): PwcParse {
  const records = parseCsv(text);
  const header = records[0]?.fields.map((h) => h.trim());
  if (!header) throw new PwcLinksError(source, 'the file is empty');
  const col = (name: string) => header.indexOf(name);
  if (col('paper_arxiv_id') < 0 || col('repo_url') < 0) {
    if (header.includes('GitHub Link')) {
      throw new PwcLinksError(
        source,
        'this is the PwC trending scrape (papers_data.csv), which has no arXiv ids; use paper_repo_info.csv ' +
          'or links-between-papers-and-code.json',
      );
    }
    throw new PwcLinksError(
      source,
      `no paper_arxiv_id and repo_url columns in the header (${header.join(',')})`,
    );
  }
  const rows: RawRow[] = [];
  const broken: SkippedRow[] = [];
  for (const r of records.slice(1)) {
    if (r.error) broken.push({ at: r.line, reason: r.error });
    else if (r.fields.length === 1 && r.fields[0] === '')
      continue; // blank line
    else if (r.fields[col('paper_arxiv_id')] === 'paper_arxiv_id')
      broken.push({ at: r.line, reason: 'repeated header' });
    else if (r.fields.length !== header.length) {
      broken.push({ at: r.line, reason: `${r.fields.length} fields where the header has ${header.length}` });
    } else {
      const get = (name: string) => (col(name) < 0 ? undefined : r.fields[col(name)]);
      rows.push({
        at: r.line,
        arxivId: get('paper_arxiv_id'),
        repoUrl: get('repo_url'),
        official: get('is_official'),
        stars: get('stars'),
      });
    }
  }
  const parsed = toLinks(rows);
  return { ...parsed, rows: parsed.rows + broken.length, skipped: [...broken, ...parsed.skipped] };
}

function toLinks(rows: RawRow[]): PwcParse {
  const links: PwcLink[] = [];
  const skipped: SkippedRow[] = [];
  for (const r of rows) {
    const idText = typeof r.arxivId === 'string' ? r.arxivId.trim() : '';
    if (!idText) {
      skipped.push({ at: r.at, reason: 'no arXiv id' });
      continue;
    }
    const id = parseArxivId(idText);
    if (!id) {
      skipped.push({ at: r.at, reason: `${JSON.stringify(idText.slice(0, 40))} is not an arXiv id` });
      continue;
    }
    const link = typeof r.repoUrl === 'string' ? normalizeRepoUrl(r.repoUrl) : null;
    if (!link) {
      skipped.push({
        at: r.at,
        reason: `${JSON.stringify(String(r.repoUrl).slice(0, 80))} is not a repository URL`,
      });
      continue;
    }
    links.push({
      arxivId: id.base,
      url: link.url,
      repoUrl: link.repoUrl,
      official:
        r.official === true || (typeof r.official === 'string' && r.official.trim().toLowerCase() === 'true'),
      stars: starsOf(r.stars),
      at: r.at,
    });
  }
  return { rows: rows.length, links, skipped };
}

function starsOf(value: unknown): number | null {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(/,/g, '')) : NaN;
  return typeof value === 'string' && value.trim() === ''
    ? null
    : Number.isSafeInteger(n) && n >= 0
      ? n
      : null;
}

/** The link to use for each paper: official first, then most stars, then the earliest. */
export function bestLinks(links: PwcLink[]): Map<string, PwcLink> {
  const best = new Map<string, PwcLink>();
  for (const l of links) {
    const cur = best.get(l.arxivId);
    if (!cur || rank(l) > rank(cur)) best.set(l.arxivId, l);
  }
  return best;
}

function rank(l: PwcLink): number {
  return (l.official ? 1e12 : 0) + (l.stars ?? -1);
}

export interface PwcImportResult {
  source: string;
  rows: number;
  /** Distinct papers named by usable rows. */
  papers: number;
  /** Of those, papers in our database… */
  matched: number;
  /** …and papers we do not have. */
  unknown: number;
  skipped: SkippedRow[];
  updated: number;
  unchanged: number;
  /** Papers that keep a different code link of theirs because PwC's is not the official one. */
  kept: number;
}

const CHUNK = 500;

/**
 * Sets code links in one transaction. A paper with no code URL gets PwC's; one linked to the same
 * repository gets its stars refreshed; one linked elsewhere is switched only to an official link.
 */
export async function importPwcLinks(
  parsed: PwcParse,
  source: string,
  deps: { handle: DatabaseHandle; now?: Date },
): Promise<PwcImportResult> {
  const best = bestLinks(parsed.links);
  const now = (deps.now ?? new Date()).toISOString();
  const counts = { matched: 0, updated: 0, unchanged: 0, kept: 0 };
  await withTransaction(deps.handle, async (tx) => {
    const repo = new PaperRepository(tx);
    const ids = [...best.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const stored = await repo.codeLinksOf(ids.slice(i, i + CHUNK));
      for (const [id, current] of stored) {
        counts.matched++;
        const signals = decide(best.get(id)!, current.codeUrl);
        if (!signals) counts.kept++;
        else if (await repo.applySignals(id, signals, now)) counts.updated++;
        else counts.unchanged++;
      }
    }
  });
  return {
    source,
    rows: parsed.rows,
    papers: best.size,
    unknown: best.size - counts.matched,
    skipped: parsed.skipped,
    ...counts,
  };
}

function decide(link: PwcLink, storedUrl: string | null): PaperSignals | null {
  const storedRepo = storedUrl ? (normalizeRepoUrl(storedUrl)?.repoUrl ?? storedUrl) : null;
  if (storedRepo && storedRepo.toLowerCase() === link.repoUrl.toLowerCase()) {
    return link.stars === null ? {} : { githubStars: link.stars };
  }
  if (storedRepo && !link.official) return null;
  // A new repository: stars of the old one no longer apply.
  return { codeUrl: link.url, githubStars: link.stars };
}

interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
  error?: string;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const close = closingQuote(text, i + 1);
      if (close < 0) {
        out.push({ line: start, fields: [], error: 'a quoted field is never closed' });
        return out;
      }
      const raw = text.slice(i + 1, close);
      line += raw.split('\n').length - 1;
      field = raw.replace(/""/g, '"');
      i = close + 1;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

function closingQuote(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    if (text[q + 1] === '"') i = q + 2;
    else return q;
  }
  return -1;
}
