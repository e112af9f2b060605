// Table types for Kysely. Column names are snake_case in SQL and camelCase here (CamelCasePlugin).
// Timestamps are ISO-8601 UTC strings ("2024-10-25T00:57:09.392Z") and days "YYYY-MM-DD" on every
// backend, so they compare and sort the same way in SQLite and PostgreSQL.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface PapersTable {
  /** arXiv base id ("2410.17243", "hep-th/9901001"), or "pb-…" for papers with no known arXiv id. */
  id: string;
  /** Where the record came from: arxiv, hf, seed, submission. */
  source: string;
  title: string;
  abstract: string;
  primaryCategory: string | null;
  /** Author count; for sources that give only a count, paper_authors stays empty. */
  authorCount: number;
  /** v1 submission time: the paper's arXiv date. */
  submittedAt: string;
  /** Newest version's submission time. */
  updatedAt: string;
  latestVersion: number;
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  codeUrl: string | null;
  projectUrl: string | null;
  githubStars: number | null;
  organizationId: number | null;
  /** Upvotes shown everywhere: importedUpvotes plus community votes. */
  upvotes: Generated<number>;
  /** Upvotes carried over from an import (HF, demo data) that have no vote rows. */
  importedUpvotes: Generated<number>;
  commentCount: Generated<number>;
  hiddenAt: string | null;
  createdAt: string;
  modifiedAt: string;
}

export interface PaperVersionsTable {
  paperId: string;
  version: number;
  submittedAt: string;
  size: string | null;
  /** Title and abstract of that version when the source gave them. */
  title: string | null;
  abstract: string | null;
}

export interface PaperAuthorsTable {
  paperId: string;
  position: number;
  name: string;
}

export interface PaperCategoriesTable {
  paperId: string;
  position: number;
  category: string;
}

export interface ListingsTable {
  paperId: string;
  day: string;
  listedAt: string;
  submittedBy: number | null;
  /** ranking.trendingScore(upvotes, listedAt), kept in step with papers.upvotes. */
  trendingScore: number;
}

export interface OrganizationsTable {
  id: Generated<number>;
  name: string;
  fullname: string;
  avatarUrl: string | null;
  createdAt: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  handle: string;
  displayName: string;
  role: ColumnType<'user' | 'moderator' | 'admin', string | undefined, string>;
  createdAt: string;
  bannedAt: string | null;
}

export interface VotesTable {
  userId: number;
  paperId: string;
  createdAt: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paperId: string;
  userId: number;
  parentId: number | null;
  body: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  hiddenAt: string | null;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  email: string;
  userId: number | null;
  /** daily | weekly | topic */
  kind: string;
  /** Saved search for topic alerts. */
  query: string | null;
  deliverHour: number;
  timeZone: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  createdAt: string;
  /** Set after MAIL_PAUSE_AFTER permanent failures in a row; nothing is sent until resumed. */
  pausedAt: string | null;
  /** Permanent delivery failures in a row; a successful delivery resets it. */
  failureCount: Generated<number>;
  lastError: string | null;
}

/** One digest for one subscription: the idempotency record of exactly-once sending. */
export interface DeliveriesTable {
  id: Generated<number>;
  subscriptionId: number;
  digestKey: string;
  status: 'pending' | 'sent' | 'deferred' | 'failed' | 'empty';
  messageId: string;
  recipient: string;
  subject: string | null;
  paperCount: Generated<number>;
  attempts: Generated<number>;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export interface IngestStateTable {
  source: string;
  /** JSON chosen by the source. */
  state: string;
  updatedAt: string;
}

export interface LoginTokensTable {
  /** SHA-256 (hex) of the magic-link token; the token itself is only ever in the email. */
  tokenHash: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  nextPath: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session cookie's value. */
  idHash: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  userId: number;
  name: string;
  tokenHash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CommentReportsTable {
  id: Generated<number>;
  commentId: number;
  reporterId: number;
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  actorId: number | null;
  action: string;
  targetType: 'comment' | 'paper' | 'user' | string;
  targetId: string;
  reason: string | null;
  /** JSON text. */
  details: string | null;
  createdAt: string;
}

/** Rate-limit counters shared by all web nodes (migration 0008). */
export interface RateLimitsTable {
  /** The route's prefix and the client's key, e.g. `POST/signin-ip:203.0.113.7signin`. */
  key: string;
  count: number;
  /** ISO-8601 UTC: when the current window ends and the count starts again. */
  windowEndsAt: string;
}

/** A run of a background job (migration 0009; src/db/repositories/job-repository.ts). */
export interface JobsTable {
  id: Generated<number>;
  /** arxiv-poll, embed-papers, digests (src/jobs/job-registry.ts). */
  kind: string;
  /** Unique when set: a second enqueue with the same key is a no-op (e.g. `digests@<slot>`). */
  dedupeKey: string | null;
  /** JSON object, the handler's input. */
  payload: string;
  /** 1: never two running jobs of this kind (a unique partial index says so). */
  singleton: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Claims so far (a claim counts as an attempt; a graceful stop gives it back). */
  attempts: number;
  maxAttempts: number;
  /** Not claimed before this time (ISO-8601 UTC): now, or after a failure the backoff. */
  runAt: string;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  lastError: string | null;
  /** JSON JobReport of the run that finished it. */
  report: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** When each schedule fires next, shared by every node (migration 0009). */
export interface JobSchedulesTable {
  name: string;
  nextRunAt: string;
  lastRunAt: string | null;
}

export interface Database {
  papers: PapersTable;
  paperVersions: PaperVersionsTable;
  paperAuthors: PaperAuthorsTable;
  paperCategories: PaperCategoriesTable;
  listings: ListingsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  votes: VotesTable;
  comments: CommentsTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  ingestState: IngestStateTable;
  loginTokens: LoginTokensTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  commentReports: CommentReportsTable;
  auditLog: AuditLogTable;
  rateLimits: RateLimitsTable;
  jobs: JobsTable;
  jobSchedules: JobSchedulesTable;
}

export type PaperRow = Selectable<PapersTable>;
export type NewPaper = Insertable<PapersTable>;
export type PaperUpdate = Updateable<PapersTable>;
export type ListingRow = Selectable<ListingsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
