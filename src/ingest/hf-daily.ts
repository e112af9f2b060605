// Hugging Face Daily Papers: one day's list as `/api/daily_papers` returns it, a JSON array of items
// { paper: {id, title, summary, authors, publishedAt, upvotes, githubRepo?, githubStars?, projectPage?,
// organization?}, publishedAt, submittedBy: {name, fullname}, organization? }. The item's publishedAt
// is when the paper was put on the list (its UTC day is the listing day); paper.publishedAt is the
// arXiv date. Re-importing a day updates counts in place: importedUpvotes is replaced, never added.
import fs from 'node:fs/promises';
import { z } from 'zod';
import type { DatabaseHandle } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import { parseArxivId } from '../domain/arxiv-id.ts';
import { normalizeRepoUrl, withExtractedCodeLink } from '../domain/code-links.ts';
import { normalizeWhitespace } from '../domain/text-normalize.ts';
import type { IncomingPaper, PaperSink, StoreResult } from './paper-sink.ts';
import { PoliteHttpClient } from './polite-http.ts';
import type { PoliteHttpOptions } from './polite-http.ts';

export const HF_SOURCE_NAME = 'Hugging Face';
export const HF_DAILY_PAPERS_URL = 'https://huggingface.co/api/daily_papers';
/** A day is ~100 kB; anything this large is not a daily list. */
export const HF_MAX_BYTES = 32 * 1024 * 1024;
const USER_AGENT = 'paperboy/0.1 (self-hosted research-paper discovery; daily-papers import)';
const MAX_TITLE = 1_000;
const MAX_ABSTRACT = 50_000;

/** The whole source is unusable (unreadable, not JSON, not a list). Names the source. */
export class HfDailyError extends Error {
  override name = 'HfDailyError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`Hugging Face daily papers (${source}): ${message}`);
  }
}

export interface HfSubmitter {
  handle: string;
  fullname: string;
}

export interface HfDailyEntry {
  /** 0-based position in the source array. */
  index: number;
  incoming: IncomingPaper & { listing: NonNullable<IncomingPaper['listing']> };
  submitter: HfSubmitter | null;
}

export interface SkippedItem {
  index: number;
  /** The item's paper id when it had a readable one. */
  id: string | null;
  reason: string;
}

export interface HfDailyParse {
  total: number;
  entries: HfDailyEntry[];
  skipped: SkippedItem[];
}

const isoTime = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'not an ISO timestamp');
const organizationSchema = z.object({
  name: z.string().min(1),
  fullname: z.string().nullish(),
  avatar: z.string().nullish(),
  avatarUrl: z.string().nullish(),
});
const itemSchema = z.object({
  publishedAt: isoTime,
  paper: z.object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    publishedAt: isoTime,
    upvotes: z.number().int().nonnegative(),
    authors: z.array(z.object({ name: z.string() })),
    githubRepo: z.string().nullish(),
    githubStars: z.number().int().nonnegative().nullish(),
    projectPage: z.string().nullish(),
    organization: organizationSchema.nullish(),
  }),
  submittedBy: z
    .object({
      // HF handles: letters, digits, '-', '_' and '.'; they also become e-mail local parts here.
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/, 'not a Hugging Face handle'),
      fullname: z.string().nullish(),
    })
    .nullish(),
  organization: organizationSchema.nullish(),
});
type HfItem = z.infer<typeof itemSchema>;

/**
 * Parses a daily-papers document. Throws HfDailyError when it is not JSON or not an array; a bad
 * item is skipped with its index, id and reason, and the rest are kept.
 */
export function parseHfDaily(text: string, source: string): HfDailyParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HfDailyError(source, `not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) {
    throw new HfDailyError(source, `expected a JSON array of daily-paper items, got ${describe(raw)}`);
  }
  const entries: HfDailyEntry[] = [];
  const skipped: SkippedItem[] = [];
  const firstIndex = new Map<string, number>();
  raw.forEach((value: unknown, index) => {
    const id = readableId(value);
    const parsed = itemSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      skipped.push({ index, id, reason: `${where}${issue?.message ?? 'invalid item'}` });
      return;
    }
    const entry = toEntry(parsed.data, index);
    if (typeof entry === 'string') {
      skipped.push({ index, id, reason: entry });
      return;
    }
    const key = entry.incoming.record.arxivId;
    const first = firstIndex.get(key);
    if (first !== undefined) {
      skipped.push({ index, id, reason: `the same paper as item ${first}` });
      return;
    }
    firstIndex.set(key, index);
    entries.push(entry);
  });
  return { total: raw.length, entries, skipped };
}

/** One valid item as a paper with its listing and submitter, or the reason it cannot be one. */
function toEntry(item: HfItem, index: number): HfDailyEntry | string {
  const { paper } = item;
  const arxiv = parseArxivId(paper.id);
  if (!arxiv) return `paper.id ${JSON.stringify(paper.id.slice(0, 40))} is not an arXiv id`;
  const title = cleanText(paper.title);
  const abstract = cleanText(paper.summary);
  if (!title) return 'paper.title is empty';
  if (title.length > MAX_TITLE) return `paper.title is longer than ${MAX_TITLE} characters`;
  if (abstract.length > MAX_ABSTRACT) return `paper.summary is longer than ${MAX_ABSTRACT} characters`;
  const listedAt = new Date(item.publishedAt).toISOString();
  const org = item.organization ?? paper.organization ?? null;
  const githubRepo = paper.githubRepo ? repoUrl(paper.githubRepo) : undefined;
  const incoming: HfDailyEntry['incoming'] = {
    record: {
      arxivId: arxiv.base,
      title,
      abstract,
      authors: paper.authors.map((a) => cleanText(a.name)).filter((name) => name.length > 0),
      categories: [],
      versions: [{ version: 1, submittedAt: new Date(paper.publishedAt).toISOString(), size: null }],
      comments: null,
      journalRef: null,
      doi: null,
      reportNo: null,
      license: null,
    },
    extras: {
      source: 'hf',
      secondary: true,
      importedUpvotes: paper.upvotes,
      ...(githubRepo ? { codeUrl: githubRepo } : {}),
      ...(githubRepo && paper.githubStars != null ? { githubStars: paper.githubStars } : {}),
      ...(paper.projectPage && httpUrl(paper.projectPage) ? { projectUrl: httpUrl(paper.projectPage) } : {}),
      ...(org
        ? {
            organization: {
              name: org.name,
              fullname: cleanText(org.fullname ?? '') || org.name,
              avatarUrl: httpUrl(org.avatar ?? org.avatarUrl ?? '') ?? null,
            },
          }
        : {}),
    },
    listing: { day: listedAt.slice(0, 10), listedAt },
  };
  const by = item.submittedBy;
  const submitter = by ? { handle: by.name, fullname: cleanText(by.fullname ?? '') || by.name } : null;
  return { index, incoming: withExtractedCodeLink(incoming), submitter };
}

/** Whitespace collapsed and control characters removed (they are invalid in the XML feeds). */
function cleanText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return normalizeWhitespace(s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ' '));
}

function repoUrl(raw: string): string | undefined {
  return normalizeRepoUrl(raw)?.url ?? httpUrl(raw);
}

function httpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function readableId(value: unknown): string | null {
  const paper = (value as { paper?: { id?: unknown } } | null)?.paper;
  return typeof paper?.id === 'string' ? paper.id.slice(0, 40) : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 5).join(', ')}`;
  return `a ${typeof value}`;
}

/** A client for huggingface.co: at most one request a second, like a polite browser tab. */
export function hfHttpClient(overrides: Partial<PoliteHttpOptions> = {}): PoliteHttpClient {
  return new PoliteHttpClient({
    source: HF_SOURCE_NAME,
    userAgent: USER_AGENT,
    minIntervalMs: 1_000,
    maxBodyBytes: HF_MAX_BYTES,
    ...overrides,
  });
}

/** The text of a daily-papers document from an http(s) URL or a file. */
export async function loadHfSource(source: string, http: PoliteHttpClient = hfHttpClient()): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await http.get(source, 'application/json');
    const body = res.body.trimStart();
    if (!/json/i.test(res.contentType) && !body.startsWith('[') && !body.startsWith('{')) {
      const start = JSON.stringify(body.slice(0, 60));
      throw new HfDailyError(source, `expected JSON, got ${res.contentType || 'no content type'}: ${start}`);
    }
    return res.body;
  }
  let size: number;
  try {
    size = (await fs.stat(source)).size;
  } catch (err) {
    throw new HfDailyError(source, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (size > HF_MAX_BYTES) {
    throw new HfDailyError(
      source,
      `the file has ${size} bytes, more than a daily list can (${HF_MAX_BYTES})`,
    );
  }
  return fs.readFile(source, 'utf8');
}

export interface HfImportResult {
  source: string;
  total: number;
  stored: StoreResult;
  skipped: SkippedItem[];
  /** Listing days present in the import. */
  days: string[];
  submitters: { users: number; created: number; unresolved: string[] };
}

export interface HfImportDeps {
  handle: DatabaseHandle;
  sink: PaperSink;
  now?: Date;
}

/** Parses and stores a daily-papers document: papers, listings, submitters, search index. */
export async function importHfDaily(
  text: string,
  source: string,
  deps: HfImportDeps,
): Promise<HfImportResult> {
  const parsed = parseHfDaily(text, source);
  if (parsed.total > 0 && parsed.entries.length === 0) {
    const first = parsed.skipped[0]!;
    throw new HfDailyError(
      source,
      `none of the ${parsed.total} items is usable (item ${first.index}${first.id ? ` ${first.id}` : ''}: ${first.reason})`,
    );
  }
  const now = deps.now ?? new Date();
  const submitters = parsed.entries.flatMap((e) => (e.submitter ? [e.submitter] : []));
  // Users first, in their own transaction: they are reused by handle, so a run stopped between the two
  // transactions leaves nothing that a rerun would duplicate.
  const users = await ensureSubmitters(deps.handle, submitters, now.toISOString());
  const batch: IncomingPaper[] = parsed.entries.map((e) => ({
    ...e.incoming,
    listing: {
      ...e.incoming.listing,
      submittedBy: e.submitter ? (users.ids.get(e.submitter.handle) ?? null) : null,
    },
  }));
  const stored = await deps.sink.store(batch, undefined, now);
  const unresolved = [...new Set(submitters.map((s) => s.handle))].filter((h) => !users.ids.has(h));
  return {
    source,
    total: parsed.total,
    stored,
    skipped: parsed.skipped,
    days: [...new Set(parsed.entries.map((e) => e.incoming.listing.day))].sort(),
    submitters: { users: users.ids.size, created: users.created, unresolved },
  };
}

/**
 * Finds or creates a user for each submitter handle. Imported accounts get a placeholder e-mail under
 * the reserved .invalid top-level domain (RFC 2606), which can never receive mail: the users table
 * needs a unique address and HF does not publish its users' ones. Existing users keep their names.
 */
async function ensureSubmitters(
  handle: DatabaseHandle,
  submitters: HfSubmitter[],
  now: string,
): Promise<{ ids: Map<string, number>; created: number }> {
  const byHandle = new Map(submitters.map((s) => [s.handle, s]));
  if (byHandle.size === 0) return { ids: new Map(), created: 0 };
  return withTransaction(handle, async (tx) => {
    const handles = [...byHandle.keys()];
    const existing = await tx.db
      .selectFrom('users')
      .select('handle')
      .where('handle', 'in', handles)
      .execute();
    const known = new Set(existing.map((u) => u.handle));
    let created = 0;
    for (const s of byHandle.values()) {
      if (known.has(s.handle)) continue;
      const result = await tx.db
        .insertInto('users')
        .values({
          email: `${s.handle}@users.hf.invalid`,
          handle: s.handle,
          displayName: s.fullname,
          createdAt: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      created += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    if (created > 0) tx.noteWrite();
    const rows = await tx.db
      .selectFrom('users')
      .select(['id', 'handle'])
      .where('handle', 'in', handles)
      .execute();
    return { ids: new Map(rows.map((r) => [r.handle, r.id])), created };
  });
}
