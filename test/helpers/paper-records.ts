// Small, valid PaperRecords for repository tests.
import type { PaperRecord } from '../../src/domain/paper.ts';

/** A one-version paper submitted on `day` (YYYY-MM-DD); anything can be overridden. */
export function paperRecord(
  arxivId: string,
  overrides: Partial<PaperRecord> & { day?: string } = {},
): PaperRecord {
  const { day = '2024-10-21', ...rest } = overrides;
  return {
    arxivId,
    title: `Title of ${arxivId}`,
    abstract: `Abstract of ${arxivId}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.LG', 'stat.ML'],
    versions: [{ version: 1, submittedAt: `${day}T17:59:00.000Z`, size: '120kb' }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
    ...rest,
  };
}
