// Reads the demo fixtures shipped in fixtures/demo (copies of real public data; see SOURCE.md there)
// into normalised records. The running product reads only these copies, never the workspace's shared data folder.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parseAbs, splitAbsBundle } from '../domain/arxiv-abs.ts';
import type { PaperRecord } from '../domain/paper.ts';
import { normalizeWhitespace } from '../domain/text-normalize.ts';
import type { PaperExtras } from '../db/repositories/paper-repository.ts';
import { parseHfDaily } from './hf-daily.ts';

const FIXTURES = new URL('../../fixtures/demo/', import.meta.url);

export interface DemoPaper {
  record: PaperRecord;
  extras: PaperExtras;
  /** Papers pinned to the newest day, with their real upvote counts. */
  featured: boolean;
}

interface SeedCard {
  title: string;
  abstract: string;
  numAuthors: number | null;
  organization: { name: string; fullname: string } | null;
  publishedDate: string;
  upvotes: number | null;
  codeUrls: string[];
}

function read(name: string): string {
  return fs.readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The 1,001 arXiv records 0704.0001–0704.1001 in arXiv's .abs format. */
export function arxivDemoPapers(): DemoPaper[] {
  return splitAbsBundle(read('arxiv-0704.abs')).map((text) => ({
    record: parseAbs(text),
    extras: { source: 'arxiv' },
    featured: false,
  }));
}

/** The 29 papers of HF Daily Papers for 2024-10-25, with their upvotes. */
export function hfDemoPapers(): DemoPaper[] {
  const name = 'hf-daily-papers-2024-10-25.json';
  // The importer's parser; the demo keeps only the records and counts (no code links, submitters, listing).
  return parseHfDaily(read(name), `fixtures/demo/${name}`).entries.map(({ incoming }) => ({
    record: incoming.record,
    extras: { source: 'hf', importedUpvotes: incoming.extras.importedUpvotes },
    featured: true,
  }));
}

/**
 * The 25 cards of the seed search page. They carry no arXiv ids and no author names, only counts,
 * so they get local ids ("pb-" + a hash of the title) and no arXiv links.
 */
export function seedDemoPapers(): DemoPaper[] {
  const { papers } = JSON.parse(read('seed-papers.json')) as { papers: SeedCard[] };
  return papers.map((card) => ({
    record: {
      arxivId: localPaperId(card.title),
      title: normalizeWhitespace(card.title),
      abstract: normalizeWhitespace(card.abstract),
      authors: [],
      categories: [],
      versions: [{ version: 1, submittedAt: `${card.publishedDate}T00:00:00.000Z`, size: null }],
      comments: null,
      journalRef: null,
      doi: null,
      reportNo: null,
      license: null,
    },
    extras: {
      source: 'seed',
      authorCount: card.numAuthors ?? 0,
      organization: card.organization,
      codeUrl: card.codeUrls[0] ?? null,
      importedUpvotes: card.upvotes ?? undefined,
    },
    featured: false,
  }));
}

export function localPaperId(title: string): string {
  return `pb-${createHash('sha1').update(normalizeWhitespace(title).toLowerCase()).digest('hex').slice(0, 12)}`;
}
