import type { OrganizationRef, PaperDetail, PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

/** A summary with every author and category: what API clients get for each paper. */
export interface FullSummary extends PaperSummary {
  authors: string[];
  categories: string[];
}

export interface PaperListPage {
  items: FullSummary[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export class PaperService {
  constructor(private readonly papers: PaperRepository) {}

  /** A paper readers can see; `includeHidden` (moderators only) also finds hidden ones. */
  async get(id: string, options: { includeHidden?: boolean } = {}): Promise<PaperDetail> {
    const paper = await this.papers.findById(id, options);
    if (!paper) throw new NotFoundError(`no paper ${id}`);
    return paper;
  }

  /** An organization (by short or full name) and its newest papers' ids; NotFoundError if unknown. */
  async byOrganization(
    name: string,
    limit: number,
  ): Promise<{ organization: OrganizationRef; paperIds: string[] }> {
    const found = await this.papers.byOrganization(name, limit);
    if (!found) throw new NotFoundError(`no organization ${name}`);
    return found;
  }

  async withFullAuthors(summaries: PaperSummary[]): Promise<FullSummary[]> {
    const ids = summaries.map((s) => s.id);
    const [authors, categories] = await Promise.all([
      this.papers.authorsOf(ids),
      this.papers.categoriesOf(ids),
    ]);
    return summaries.map((s) => ({
      ...s,
      authors: authors.get(s.id) ?? [],
      categories: categories.get(s.id) ?? [],
    }));
  }

  /** Every paper, newest first, a page at a time. */
  async list(cursor: string | null, limit: number): Promise<PaperListPage> {
    const after = cursor === null ? null : decodeCursor(cursor);
    const page = await this.papers.listPage(after, limit + 1);
    const items = await this.withFullAuthors(page.slice(0, limit));
    const last = items[items.length - 1];
    return { items, nextCursor: page.length > limit && last ? encodeCursor(last) : null };
  }
}

function encodeCursor(p: { submittedAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([p.submittedAt, p.id])).toString('base64url');
}

function decodeCursor(cursor: string): { submittedAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return { submittedAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError('cursor is not one this server issued; start again without it', 'cursor');
}
