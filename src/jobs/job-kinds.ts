// The three background jobs as queue handlers. Their logic is unchanged (each is idempotent: a run
// only does what is still undone); the queue decides who runs them and when.
import type { ArxivPoller, PollReport } from '../ingest/arxiv-poller.ts';
import { describe as describePoll } from '../ingest/arxiv-poller.ts';
import type { SemanticSearch } from '../search/semantic-search.ts';
import type { DigestJob, DigestReport } from './digest-job.ts';
import type { EmbedPapersJob, EmbedReport } from './embed-papers-job.ts';
import type { JobReport } from './job.ts';
import type { JobHandler } from './job-registry.ts';
import { parseEmptyPayload } from './job-registry.ts';

/** New papers arrive a few times a day; five minutes keeps them searchable by meaning soon after. */
export const EMBED_INTERVAL_MS = 5 * 60_000;

export interface JobLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ArxivPollPayload {
  /** Poll now whatever the time (`paperboy jobs run arxiv-poll`); else only when one is due. */
  force?: boolean;
}

/** New papers of ARXIV_CATEGORIES after each arXiv announcement (ingest/arxiv-poller.ts). */
export function arxivPollHandler(poller: ArxivPoller, log: JobLog): JobHandler<ArxivPollPayload, PollReport> {
  return {
    kind: 'arxiv-poll',
    parse(payload) {
      parseEmptyPayload(payload);
      const force = (payload as { force?: unknown }).force;
      if (force !== undefined && typeof force !== 'boolean')
        throw new Error(`payload.force must be true or false, not ${JSON.stringify(force)}`);
      return force === undefined ? {} : { force };
    },
    run: (payload, signal) => (payload.force ? poller.pollOnce(signal) : poller.runIfDue(signal)),
    summarize: (report) => ({ ...report }),
    log(r, elapsedMs) {
      const details = { ...r, ms: Math.round(elapsedMs) };
      if (r.status === 'failed') log.warn(details, `arXiv poll failed, tried again in a while: ${r.reason}`);
      else if (r.status === 'skipped') log.debug(details, `arXiv poll skipped: ${r.reason}`);
      else log.info(details, `arXiv poll: ${describePoll(r)}, ${r.skipped} skipped`);
    },
  };
}

/**
 * Embeds the papers that have no vector yet. With EMBEDDINGS=off (no `embedding` given) a run
 * reports 'skipped' with the reason, so a job enqueued by hand says why nothing happened.
 */
export function embedPapersHandler(
  embedding: { semantic: SemanticSearch; job: EmbedPapersJob } | null,
  log: JobLog,
): JobHandler<Record<string, never>, EmbedReport | JobReport> {
  return {
    kind: 'embed-papers',
    parse: parseEmptyPayload,
    async run(_payload, signal) {
      if (!embedding) return { status: 'skipped', reason: 'embeddings are off on this worker (EMBEDDINGS)' };
      const { semantic, job } = embedding;
      // Vectors written elsewhere (another worker, `paperboy embed`) join this process's index first.
      const synced = await semantic.sync();
      if (synced.added + synced.removed > 0) {
        log.info({ ...synced, size: semantic.size, index: semantic.indexKind }, 'vector index updated');
      }
      return job.run(signal);
    },
    summarize: (report) => ({ ...report }),
    log(report, elapsedMs) {
      const details = { ...report, model: embedding?.semantic.model, ms: Math.round(elapsedMs) };
      const counts = report as Partial<EmbedReport>;
      if (report.status !== 'success')
        log.warn(details, `embedding papers ${report.status}: ${report.reason}`);
      else if ((counts.embedded ?? 0) > 0 || (counts.failed ?? 0) > 0) log.info(details, 'embedded papers');
      else log.debug(details, 'no papers to embed');
    },
  };
}

/** Sends the digests and alerts that are due, each exactly once (jobs/digest-job.ts). */
export function digestsHandler(job: DigestJob, log: JobLog): JobHandler<Record<string, never>, DigestReport> {
  return {
    kind: 'digests',
    parse: parseEmptyPayload,
    async run(_payload, signal) {
      const report = await job.run({ signal });
      // Another run holds the digest lease: `paperboy digest send`, or a worker that was killed on
      // another host, whose lease goes stale after a few minutes. Not done: the queue tries again.
      return report.heldBy === undefined ? report : { ...report, status: 'failed' };
    },
    // Not the list of recipients: a run to 100,000 subscribers would store them all.
    summarize: ({ planned: _planned, ...counts }) => counts,
    log(report, elapsedMs) {
      const { planned: _planned, ...counts } = report;
      const details = { ...counts, ms: Math.round(elapsedMs) };
      if (report.status !== 'success') log.warn(details, `digest run ${report.status}: ${report.reason}`);
      else if (report.sent + report.failed + report.deferred > 0) log.info(details, 'sent digests');
      else log.debug(details, 'no digests due');
    },
  };
}
