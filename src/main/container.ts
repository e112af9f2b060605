// The composition root: the only module that chooses concrete implementations and wires them.
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { ApiTokenRepository } from '../db/repositories/api-token-repository.ts';
import { ListingRepository } from '../db/repositories/listing-repository.ts';
import { LoginTokenRepository } from '../db/repositories/login-token-repository.ts';
import { RateLimitRepository } from '../db/repositories/rate-limit-repository.ts';
import { JobRepository } from '../db/repositories/job-repository.ts';
import { JobAdminService } from '../services/job-admin-service.ts';
import { SessionRepository } from '../db/repositories/session-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { AccountService } from '../services/account-service.ts';
import { AuthService } from '../services/auth-service.ts';
import type { Clock } from '../services/secrets.ts';
import { createMailTransport } from './mail.ts';
import { OrganizationRepository } from '../db/repositories/organization-repository.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import { ProfileRepository } from '../db/repositories/profile-repository.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { arxivDemoPapers, hfDemoPapers, seedDemoPapers } from '../ingest/demo-data.ts';
import { PaperSink } from '../ingest/paper-sink.ts';
import { FeedService } from '../services/feed-service.ts';
import { OrganizationService } from '../services/organization-service.ts';
import { PaperService } from '../services/paper-service.ts';
import { ProfileService } from '../services/profile-service.ts';
import { SearchService } from '../services/search-service.ts';
import { SeedService } from '../services/seed-service.ts';
import { DEFAULT_WEIGHTS } from '../search/search-backend.ts';
import type { FieldWeights } from '../search/search-backend.ts';
import { createSearchStack } from './search-stack.ts';
import type { LexicalBackend, SearchStack } from './search-stack.ts';
import { buildApp } from '../web/app.ts';
import type { EmbedPapersJob } from '../jobs/embed-papers-job.ts';
import type { SemanticSearch } from '../search/semantic-search.ts';
import { createSemanticStack } from './embeddings.ts';
import { createEmailStack } from './email.ts';
import type { EmailStack } from './email.ts';
import { assertSearchAvailable } from './search-availability.ts';
import { createCommunityPapers } from './community-papers.ts';
import type { SubmissionService } from '../services/submission-service.ts';
import type { VoteService } from '../services/vote-service.ts';
import { CommentService } from '../services/comment-service.ts';
import { ModerationService } from '../services/moderation-service.ts';
import type { WebDeps } from '../web/app.ts';

export interface Container {
  config: Config;
  database: DatabaseHandle;
  feeds: FeedService;
  papers: PaperService;
  search: SearchService;
  profiles: ProfileService;
  organizations: OrganizationService;
  seeder: SeedService;
  /** Outgoing mail: the outbox folder, or SMTP when configured. */
  mail: MailTransport;
  /** Magic-link sign-in, sessions and API-token authentication. */
  auth: AuthService;
  /** Profiles, sessions and API tokens of one's own account; account administration. */
  accounts: AccountService;
  /** Email digests and topic alerts: subscriptions, the digest job, the admin's mail page. */
  email: EmailStack;
  /** Ids of the papers a user upvoted (vote buttons on their pages). */
  upvotedBy: (userId: number) => Promise<ReadonlySet<string>>;
  /** Community upvotes. */
  votes: VoteService;
  /** Community submissions of recent arXiv papers (looked up through ARXIV_API_URL). */
  submissions: SubmissionService;
  /** Paper discussions: comments, replies, reports. */
  comments: CommentService;
  /** Moderation actions, the reports queue and the audit log. */
  moderation: ModerationService;
  /** The paper repository, for tools that load papers directly (evaluation, benchmarks). */
  papersRepo: PaperRepository;
  /** Where ingested papers are stored, atomically with their listings, index and checkpoint. */
  sink: PaperSink;
  /** The lexical search backend (bulk imports index through it). */
  searchBackend: LexicalBackend;
  /** The semantic side of search and its embedding job; null when EMBEDDINGS=off. */
  semantic: SemanticSearch | null;
  embedJob: EmbedPapersJob | null;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** BM25 field weights; the relevance evaluation tunes them. */
  searchWeights?: FieldWeights;
  /** Where search and the embedding job report fallbacks and retries (a pino logger fits). */
  logger?: Logger;
  /** The clock of time-dependent services (sign-in links, sessions); tests move it. */
  now?: Clock;
}

type Logger = { debug(o: object, m: string): void; warn(o: object, m: string): void };

export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  assertSearchAvailable(config.database);
  const database = await openDatabase(config.database, {
    onListenError: (err) => options.logger?.warn({ err }, 'page cache: change listener lost; reconnecting'),
  });
  const paperRepo = new PaperRepository(database);
  const listingRepo = new ListingRepository(database);
  let searchStack: SearchStack;
  try {
    searchStack = await createSearchStack(
      config,
      database,
      options.searchWeights ?? DEFAULT_WEIGHTS,
      options.logger,
    );
  } catch (err) {
    await database.close();
    throw err;
  }
  const backend = searchStack.backend;
  const mail = createMailTransport(config);
  const users = new UserRepository(database);
  const sessions = new SessionRepository(database);
  const apiTokens = new ApiTokenRepository(database);
  const auth = new AuthService(
    { users, sessions, apiTokens, loginTokens: new LoginTokenRepository(database) },
    mail,
    {
      baseUrl: config.baseUrl,
      sessionDays: config.auth.sessionDays,
      signinTokenMinutes: config.auth.signinTokenMinutes,
      signinPerEmail: config.rateLimits.signinPerEmail,
      now: options.now,
    },
  );
  const stack = createSemanticStack(config.embeddings, database, options.logger);
  const search = new SearchService(
    backend,
    paperRepo,
    stack?.semantic ?? null,
    { budgetMs: config.semanticSearch.budgetMs, semanticWeight: config.semanticSearch.weight },
    options.logger,
  );
  const community = createCommunityPapers(config, database, backend, options.now);
  const email = createEmailStack(config, database, {
    listings: listingRepo,
    papers: paperRepo,
    search,
    mail,
  });
  return {
    config,
    database,
    feeds: new FeedService(listingRepo),
    papers: new PaperService(paperRepo),
    search,
    profiles: new ProfileService(new ProfileRepository(database)),
    organizations: new OrganizationService(new OrganizationRepository(database)),
    seeder: new SeedService(paperRepo, listingRepo, loadDemoPapers, search),
    mail,
    auth,
    accounts: new AccountService(users, sessions, apiTokens, options.now),
    upvotedBy: (userId: number) => sessions.paperIdsVotedBy(userId),
    email,
    votes: community.votes,
    submissions: community.submissions,
    comments: new CommentService(database, options.now),
    moderation: new ModerationService(database, options.now),
    papersRepo: paperRepo,
    sink: new PaperSink(database, backend),
    searchBackend: backend,
    semantic: stack?.semantic ?? null,
    embedJob: stack?.embedJob ?? null,
    close: async () => {
      await stack?.semantic.provider.close?.();
      await mail.close?.();
      await searchStack.close();
      await database.close();
    },
  };
}

export function loadDemoPapers() {
  return [...hfDemoPapers(), ...seedDemoPapers(), ...arxivDemoPapers()];
}

export function createWebApp(container: Container, logger: WebDeps['logger']) {
  return buildApp({
    feeds: container.feeds,
    papers: container.papers,
    search: container.search,
    profiles: container.profiles,
    organizations: container.organizations,
    changeToken: container.database.changeToken,
    checkHealth: async () => {
      await sql`select 1`.execute(container.database.db);
    },
    categoryName,
    baseUrl: container.config.baseUrl,
    logger,
    auth: container.auth,
    accounts: container.accounts,
    upvotedBy: container.upvotedBy,
    rateLimits: container.config.rateLimits,
    rateLimitCounter:
      container.config.rateLimits.store === 'database' ? new RateLimitRepository(container.database) : null,
    sessionDays: container.config.auth.sessionDays,
    signinTokenMinutes: container.config.auth.signinTokenMinutes,
    trustProxy: container.config.trustProxy,
    pageCacheStaleMs: container.config.pageCacheStaleMs,
    votes: container.votes,
    submissions: container.submissions,
    submissionRules: container.config.submissions,
    comments: container.comments,
    moderation: container.moderation,
    subscriptions: container.email.subscriptions,
    mailAdmin: container.email.mailAdmin,
    jobsAdmin: new JobAdminService(
      new JobRepository(container.database),
      container.semantic ? ['arxiv-poll', 'embed-papers', 'digests'] : ['arxiv-poll', 'digests'],
    ),
  });
}
