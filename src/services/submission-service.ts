// Community submissions (as on HF Daily Papers): a signed-in user names a recent arXiv paper, it
// enters today's list with the submitter's upvote, optionally with its code, project page and
// organization. Nothing is stored unless every rule passes; arXiv is asked only when the paper is
// not stored yet.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';
import { isUniqueViolation } from '../db/database-errors.ts';
import { ListingRepository } from '../db/repositories/listing-repository.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSignals } from '../db/repositories/paper-repository.ts';
import type { OrganizationName } from '../db/repositories/submission-repository.ts';
import { SubmissionRepository } from '../db/repositories/submission-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import type { Database } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { parseArxivId } from '../domain/arxiv-id.ts';
import type { PaperRecord } from '../domain/paper.ts';
import { firstSubmittedAt } from '../domain/paper.ts';
import { addDays, formatDay } from '../domain/periods.ts';
import { parseGithubRepo, parseOrganization, parseProjectPage } from '../domain/submission-links.ts';
import type { Parsed } from '../domain/submission-links.ts';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
} from './errors.ts';
import { castVote } from './vote-service.ts';

/** What a submitter types; empty strings mean "not given". */
export interface SubmissionInput {
  /** arXiv id (2410.17243, 2410.17243v2, hep-th/9901001) or arxiv.org abs/pdf URL. */
  id: string;
  githubRepo?: string | null;
  projectPage?: string | null;
  organization?: string | null;
}

export interface SubmissionRules {
  /** Papers first submitted to arXiv longer ago than this cannot be submitted. */
  maxAgeDays: number;
  /** Submissions one user may make per UTC day. */
  perDay: number;
}

/** Where metadata of papers that are not stored yet comes from (the arXiv API). */
export interface PaperLookup {
  /** The paper's record, or null when the source has no such paper; throws when it cannot answer. */
  fetch(id: string): Promise<PaperRecord | null>;
}

/** Keeps the search index in step with stored papers, inside the caller's transaction. */
export interface PaperIndexer {
  indexPapers(ids: string[], within?: Kysely<Database>): Promise<void>;
}

export interface Submitted {
  paperId: string;
  /** The day it is listed on (today, UTC). */
  day: string;
}

/** The paper is listed already: upvoting it is what the submitter can do instead. */
export class AlreadyListedError extends ConflictError {
  override name = 'AlreadyListedError';
  constructor(
    readonly paperId: string,
    readonly day: string,
  ) {
    super(`This paper is already listed, in the daily papers of ${day}. You can upvote it instead.`, 'id');
  }
}

/** The source of metadata the papers come from (arXiv). */
const PAPER_SOURCE = 'arxiv';
const DAY_MS = 86_400_000;

export class SubmissionService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly lookup: PaperLookup,
    private readonly indexer: PaperIndexer,
    private readonly rules: SubmissionRules,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How many more papers the user may submit today (UTC). */
  async remainingToday(submitter: { id: number }): Promise<number> {
    const today = formatDay(this.now().getTime());
    const used = await new SubmissionRepository(this.handle).submittedBetween(
      submitter.id,
      `${today}T00:00:00.000Z`,
      `${addDays(today, 1)}T00:00:00.000Z`,
    );
    return Math.max(0, this.rules.perDay - used);
  }

  /** The submitters of the given papers' listings (HF's `submittedBy`), where there is one. */
  submittersOf(paperIds: string[]): Promise<Map<string, { handle: string; displayName: string }>> {
    return new SubmissionRepository(this.handle).submittersOf(paperIds);
  }

  /** Organizations a submitter may pick from (the form suggests them). */
  organizations(limit = 500): Promise<OrganizationName[]> {
    return new SubmissionRepository(this.handle).organizationNames(limit);
  }

  /**
   * Lists the paper today with the submitter's upvote. Throws InvalidInputError (malformed input,
   * too old), ForbiddenError (banned, hidden paper), AlreadyListedError, RateLimitedError (daily
   * limit), NotFoundError (arXiv has no such paper) or UnavailableError (arXiv did not answer).
   */
  async submit(submitter: { id: number }, input: SubmissionInput): Promise<Submitted> {
    const fields = parseInput(input);
    const now = this.now();
    // Cheap checks first, so a doomed submission costs no request to arXiv; they run again in the
    // transaction below, which is what makes them hold under concurrent submissions.
    const repo = new SubmissionRepository(this.handle);
    await this.checkSubmitter(this.handle, submitter.id, now);
    const standing = await repo.standing(fields.id);
    let record: PaperRecord | null = null;
    if (standing) {
      checkStanding(fields.id, standing);
    } else {
      record = await this.fetch(fields.id);
    }
    this.checkRecency(fields.id, standing?.submittedAt ?? firstSubmittedAt(record!), now);
    try {
      return await this.store(submitter.id, fields, record, now);
    } catch (err) {
      // Someone else stored or listed the same paper at the same moment (PostgreSQL runs the two
      // transactions side by side; SQLite one after the other). Once more, the checks see theirs.
      if (!isUniqueViolation(err)) throw err;
      return this.store(submitter.id, fields, record, now);
    }
  }

  private async store(
    userId: number,
    fields: ParsedInput,
    record: PaperRecord | null,
    now: Date,
  ): Promise<Submitted> {
    const stamp = now.toISOString();
    const day = formatDay(now.getTime());
    return withTransaction(this.handle, async (tx) => {
      const repo = new SubmissionRepository(tx);
      const papers = new PaperRepository(tx);
      await repo.lockSubmitter(userId);
      if (record) await papers.upsert(record, { source: PAPER_SOURCE }, stamp);
      await this.checkSubmitter(tx, userId, now);
      const standing = await repo.standing(fields.id);
      if (!standing) throw new Error(`paper ${fields.id} vanished during its submission`);
      checkStanding(fields.id, standing);
      await papers.applySignals(fields.id, await this.signals(repo, fields), stamp);
      const listed = await new ListingRepository(tx).addMany([
        { paperId: fields.id, day, listedAt: stamp, submittedBy: userId },
      ]);
      if (listed !== 1) {
        // A concurrent submission listed it after our check and committed (PostgreSQL).
        const current = await repo.standing(fields.id);
        if (current?.listedOn) throw new AlreadyListedError(fields.id, current.listedOn);
        throw new Error(`paper ${fields.id} could not be listed`);
      }
      if (record) await this.indexer.indexPapers([fields.id], tx.db);
      await castVote(tx, userId, fields.id, true, now); // the submitter's upvote
      tx.noteWrite();
      return { paperId: fields.id, day };
    });
  }

  private async checkSubmitter(db: DatabaseHandle, userId: number, now: Date): Promise<void> {
    const repo = new SubmissionRepository(db);
    if (!(await new UserRepository(db).isActive(userId))) {
      throw new ForbiddenError('Your account has been suspended, so you cannot submit papers.');
    }
    const today = formatDay(now.getTime());
    const tomorrow = addDays(today, 1);
    const count = await repo.submittedBetween(userId, `${today}T00:00:00.000Z`, `${tomorrow}T00:00:00.000Z`);
    if (count >= this.rules.perDay) {
      const retryAfter = Math.ceil((Date.parse(`${tomorrow}T00:00:00.000Z`) - now.getTime()) / 1000);
      throw new RateLimitedError(
        `You have submitted ${count} papers today, the most one account may submit per day. ` +
          'You can submit again after midnight UTC.',
        Math.max(1, retryAfter),
      );
    }
  }

  private checkRecency(id: string, submittedAt: string, now: Date): void {
    const age = now.getTime() - Date.parse(submittedAt);
    if (age > this.rules.maxAgeDays * DAY_MS) {
      throw new InvalidInputError(
        `arXiv:${id} was first submitted on ${submittedAt.slice(0, 10)}; only papers from the last ` +
          `${this.rules.maxAgeDays} days can be submitted.`,
        'id',
      );
    }
  }

  private async fetch(id: string): Promise<PaperRecord> {
    let record: PaperRecord | null;
    try {
      record = await this.lookup.fetch(id);
    } catch (err) {
      throw new UnavailableError(
        'arXiv did not answer, so the paper could not be looked up. Nothing was saved; please try again in a few minutes.',
        { cause: err },
      );
    }
    if (!record) throw new NotFoundError(`arXiv has no paper ${id}. Check the identifier.`);
    return record;
  }

  private async signals(repo: SubmissionRepository, fields: ParsedInput): Promise<PaperSignals> {
    const signals: PaperSignals = {};
    if (fields.codeUrl) signals.codeUrl = fields.codeUrl;
    if (fields.projectUrl) signals.projectUrl = fields.projectUrl;
    if (fields.organization) {
      // An existing organization by short or full name; otherwise a new one named as typed.
      const { fullname, slug } = fields.organization;
      const known = await repo.findOrganization(fullname, slug);
      signals.organization = known ?? { name: slug, fullname };
    }
    return signals;
  }
}

function checkStanding(id: string, standing: { hidden: boolean; listedOn: string | null }): void {
  if (standing.hidden) {
    throw new ForbiddenError('This paper has been removed by the moderators and cannot be submitted.');
  }
  if (standing.listedOn !== null) throw new AlreadyListedError(id, standing.listedOn);
}

interface ParsedInput {
  id: string;
  codeUrl: string | null;
  projectUrl: string | null;
  organization: { fullname: string; slug: string } | null;
}

function parseInput(input: SubmissionInput): ParsedInput {
  const raw = input.id.trim();
  if (raw === '') throw new InvalidInputError('Enter an arXiv identifier or link, like 2410.17243.', 'id');
  const parsed = parseArxivId(raw);
  if (!parsed) {
    throw new InvalidInputError(
      `"${raw.slice(0, 100)}" is not an arXiv identifier. Use an id like 2410.17243 (or hep-th/9901001), ` +
        'or a link like https://arxiv.org/abs/2410.17243.',
      'id',
    );
  }
  return {
    id: parsed.base,
    codeUrl: optional(input.githubRepo, parseGithubRepo, 'githubRepo'),
    projectUrl: optional(input.projectPage, parseProjectPage, 'projectPage'),
    organization: optional(input.organization, parseOrganization, 'organization'),
  };
}

function optional<T>(
  value: string | null | undefined,
  parse: (s: string) => Parsed<T>,
  parameter: string,
): T | null {
  if (value == null || value.trim() === '') return null;
  const result = parse(value);
  if (!result.ok) throw new InvalidInputError(result.message, parameter);
  return result.value;
}
