// How `paperboy serve` keeps vectors current: every few minutes (and right after new papers are
// indexed) the index catches up with the table, then the embedding job embeds what is missing.
import type { SemanticSearch } from '../search/semantic-search.ts';
import type { EmbedPapersJob, EmbedReport } from './embed-papers-job.ts';
import { PeriodicJob } from './scheduler.ts';

/** New papers arrive a few times a day; five minutes keeps them searchable by meaning soon after. */
export const EMBED_INTERVAL_MS = 5 * 60_000;

export interface ScheduleLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export function scheduleEmbedding(
  semantic: SemanticSearch,
  job: EmbedPapersJob,
  log: ScheduleLog,
  intervalMs = EMBED_INTERVAL_MS,
): PeriodicJob<EmbedReport> {
  return new PeriodicJob<EmbedReport>({
    name: 'embed-papers',
    intervalMs,
    run: async (signal) => {
      const synced = await semantic.sync(); // vectors written by `paperboy embed` in another process
      if (synced.added + synced.removed > 0) {
        log.info({ ...synced, size: semantic.size, index: semantic.indexKind }, 'vector index updated');
      }
      return job.run(signal);
    },
    onReport: (report, elapsedMs) => {
      const details = { ...report, model: semantic.model, vectors: semantic.size, ms: Math.round(elapsedMs) };
      if (report.status !== 'success')
        log.warn(details, `embedding papers ${report.status}: ${report.reason}`);
      else if (report.embedded > 0 || report.failed > 0) log.info(details, 'embedded papers');
      else log.debug(details, 'no papers to embed');
    },
    onError: (err) => log.error({ err }, 'the embedding job crashed; it runs again at the next interval'),
  });
}
