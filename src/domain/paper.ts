// The normalised shape of one paper as every source (arXiv .abs, API, OAI-PMH, snapshot, HF)
// hands it to storage. Pure data: no I/O, no database ids.

export interface PaperVersion {
  /** 1-based arXiv version number. */
  version: number;
  /** ISO-8601 UTC timestamp of that version's submission. */
  submittedAt: string;
  /** Size as arXiv reports it, e.g. "443kb"; null when unknown. */
  size: string | null;
}

export interface PaperRecord {
  /** arXiv base id without version: "2410.17243" or "hep-th/9901001". */
  arxivId: string;
  title: string;
  abstract: string;
  /** Ordered author display names. */
  authors: string[];
  /** Category codes; the first one is the primary category. */
  categories: string[];
  /** Versions in ascending order; at least one. */
  versions: PaperVersion[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
}

/** Submission time of v1 (the paper's arXiv date). */
export function firstSubmittedAt(paper: Pick<PaperRecord, 'versions'>): string {
  const first = paper.versions[0];
  if (!first) throw new Error('a paper needs at least one version');
  return first.submittedAt;
}

/** Submission time of the newest version. */
export function lastUpdatedAt(paper: Pick<PaperRecord, 'versions'>): string {
  const last = paper.versions[paper.versions.length - 1];
  if (!last) throw new Error('a paper needs at least one version');
  return last.submittedAt;
}

/**
 * The record as every database can store it: U+0000 removed from its text. PostgreSQL's text
 * cannot hold that character (SQLite's can); removing it on both backends stores the same paper on
 * either, and no page, feed or export shows it anyway. Sources that hand it over (JSON snapshots,
 * a hostile mirror) would otherwise fail a whole import batch on PostgreSQL.
 */
export function storableRecord(record: PaperRecord): PaperRecord {
  const clean = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);
  const maybe = (s: string | null) => (s === null ? null : clean(s));
  return {
    ...record,
    title: clean(record.title),
    abstract: clean(record.abstract),
    authors: record.authors.map(clean),
    categories: record.categories.map(clean),
    versions: record.versions.map((v) => ({ ...v, size: maybe(v.size) })),
    comments: maybe(record.comments),
    journalRef: maybe(record.journalRef),
    doi: maybe(record.doi),
    reportNo: maybe(record.reportNo),
    license: maybe(record.license),
  };
}
