// Wiring of upvotes and submissions: the vote service, and the submission service with its arXiv
// look-up. The look-up client is built for a person waiting on a form: short timeouts and one retry,
// instead of the patient schedule of imports, but still one request at a time at ARXIV_API_INTERVAL_MS
// (one client for the whole process, so concurrent submissions queue politely).
import type { Config } from '../config/config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { ArxivApiClient } from '../ingest/arxiv-api-client.ts';
import { ArxivPaperLookup } from '../ingest/arxiv-paper-lookup.ts';
import type { PaperIndexer } from '../services/submission-service.ts';
import { SubmissionService } from '../services/submission-service.ts';
import { VoteService } from '../services/vote-service.ts';

export interface CommunityPapers {
  votes: VoteService;
  submissions: SubmissionService;
}

export function createCommunityPapers(
  config: Config,
  database: DatabaseHandle,
  indexer: PaperIndexer,
  now?: () => Date,
): CommunityPapers {
  const client = new ArxivApiClient({
    baseUrl: config.arxiv.apiUrl,
    userAgent: config.ingestUserAgent,
    minIntervalMs: config.arxiv.intervalMs,
    timeoutMs: 15_000,
    maxAttempts: 2,
    backoffMs: 1_000,
    maxBackoffMs: 5_000,
    pageTries: 2,
  });
  return {
    votes: new VoteService(database, now),
    submissions: new SubmissionService(
      database,
      new ArxivPaperLookup(client),
      indexer,
      config.submissions,
      now,
    ),
  };
}
