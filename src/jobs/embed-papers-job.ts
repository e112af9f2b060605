// Background job: embed the papers that have no vector for the current model (new papers, papers
// whose text changed, all of them after a model change), store the vectors and add them to the
// ANN index. Idempotent: a run only does what is still undone, so it can be stopped at any time.
//
// Failures, from most to least common:
//   - the model server is briefly away: each batch is retried with exponential backoff;
//   - it stays away: after a few batches in a row fail, the run gives up ('failed') and the
//     scheduler tries again later;
//   - one paper the model rejects (HTTP 400: too long, odd characters): its batch is split and
//     the papers retried one by one, so the others still get their vectors; a paper that fails in
//     several runs is left alone until the process restarts;
//   - no model at all (folder missing): 'skipped' with the reason; search stays lexical.
import type { EmbeddingStore, PendingCursor, PendingPaper } from '../search/embedding-store.ts';
import { textHash } from '../search/embedding-store.ts';
import {
  documentText,
  EmbeddingRequestError,
  EmbeddingUnavailableError,
} from '../search/embedding-provider.ts';
import type { SemanticSearch } from '../search/semantic-search.ts';
import type { JobReport, RetryPolicy } from './job.ts';
import { DEFAULT_RETRY, retry } from './job.ts';

export interface EmbedReport extends JobReport {
  /** Papers that got a new vector. */
  embedded: number;
  /** Papers that could not be embedded in this run (retried one at a time in the next). */
  failed: number;
  /** Papers re-imported with the same text: their vector was kept. */
  unchanged: number;
  /** Papers not attempted because they failed in too many runs already. */
  givenUp: number;
}

export interface JobLog {
  warn(details: object, message: string): void;
}

export interface EmbedJobOptions {
  /** Papers per model call. */
  batchSize?: number;
  retry?: RetryPolicy;
  /** Failed batches in a row after which the run stops: the model is down, not a paper bad. */
  maxConsecutiveFailures?: number;
  /** Runs a paper may fail in before it is left alone (until restart). */
  maxPaperFailures?: number;
  now?: () => Date;
  log?: JobLog;
}

interface Item {
  paper: PendingPaper;
  text: string;
  hash: string;
}

type Counts = Omit<EmbedReport, 'status' | 'reason'>;

class RunStop extends Error {
  constructor(readonly report: Pick<EmbedReport, 'status' | 'reason'>) {
    super(report.reason);
  }
}

export class EmbedPapersJob {
  private running = false;
  /** Paper id → runs it failed in. In memory: a restart (perhaps with a fixed model) forgives. */
  private readonly failures = new Map<string, number>();
  private readonly batchSize: number;
  private readonly policy: RetryPolicy;
  private readonly maxConsecutive: number;
  private readonly maxPaperFailures: number;
  private readonly now: () => Date;

  constructor(
    private readonly semantic: SemanticSearch,
    private readonly store: EmbeddingStore,
    private readonly options: EmbedJobOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 32;
    this.policy = options.retry ?? DEFAULT_RETRY;
    this.maxConsecutive = options.maxConsecutiveFailures ?? 3;
    this.maxPaperFailures = options.maxPaperFailures ?? 3;
    this.now = options.now ?? (() => new Date());
  }

  async run(signal?: AbortSignal): Promise<EmbedReport> {
    const counts: Counts = { embedded: 0, failed: 0, unchanged: 0, givenUp: 0 };
    if (this.running) return { status: 'skipped', reason: 'a run is already in progress', ...counts };
    this.running = true;
    try {
      return { ...(await this.walk(counts, signal)), ...counts };
    } catch (err) {
      if (err instanceof RunStop) return { ...err.report, ...counts };
      throw err;
    } finally {
      this.running = false;
    }
  }

  /** Walks the pending papers newest first; failed ones stay behind the cursor until next run. */
  private async walk(counts: Counts, signal?: AbortSignal): Promise<Pick<EmbedReport, 'status' | 'reason'>> {
    // Says "no model" even when nothing is pending, and has a local model loaded before searches.
    try {
      await this.semantic.provider.warmUp?.();
    } catch (err) {
      if (err instanceof EmbeddingUnavailableError) return { status: 'skipped', reason: err.message };
      throw err;
    }
    let cursor: PendingCursor | null = null;
    let consecutive = 0;
    let lastError = '';
    for (;;) {
      if (signal?.aborted) throw stopped(counts);
      const readAt = this.now().toISOString();
      const rows = await this.store.pending(this.semantic.model, this.batchSize, cursor);
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      cursor = { submittedAt: last.submittedAt, id: last.id };
      for (const group of await this.plan(rows, readAt, counts)) {
        try {
          await this.embedGroup(group, readAt, signal);
          counts.embedded += group.items.length;
          consecutive = 0;
        } catch (err) {
          if (signal?.aborted) throw stopped(counts);
          if (err instanceof EmbeddingUnavailableError)
            throw new RunStop({ status: 'skipped', reason: err.message });
          lastError = err instanceof Error ? err.message : String(err);
          if (group.items.length > 1 && err instanceof EmbeddingRequestError && !err.retryable) {
            // The model refuses something in this batch: find which papers by trying them alone.
            await this.isolate(group.items, readAt, counts, signal);
            continue;
          }
          this.setAside(group.items, counts);
          this.options.log?.warn({ papers: group.items.length, err: lastError }, 'could not embed papers');
          if (++consecutive >= this.maxConsecutive) {
            throw new RunStop({
              status: 'failed',
              reason: `the embedding model failed ${consecutive} times in a row; last error: ${lastError}`,
            });
          }
        }
      }
    }
    if (counts.failed > 0 && counts.embedded === 0) {
      return { status: 'failed', reason: `no paper could be embedded; last error: ${lastError}` };
    }
    if (counts.failed > 0) {
      return {
        status: 'success',
        reason: `${counts.failed} papers could not be embedded and will be retried; last error: ${lastError}`,
      };
    }
    return { status: 'success' };
  }

  /**
   * Sorts a page of pending papers: unchanged text only needs its check time moved on; papers
   * that failed before go alone (one bad paper must not sink a batch twice); the rest go together.
   */
  private async plan(
    rows: PendingPaper[],
    readAt: string,
    counts: Counts,
  ): Promise<{ items: Item[]; retries: boolean }[]> {
    const model = this.semantic.model;
    const items = rows.map((paper) => {
      const text = documentText(paper.title, paper.abstract);
      return { paper, text, hash: textHash(text) };
    });
    const unchanged = items.filter((i) => i.paper.storedModel === model && i.paper.storedHash === i.hash);
    if (unchanged.length > 0) {
      await this.store.touch(
        unchanged.map((i) => i.paper.id),
        readAt,
      );
      counts.unchanged += unchanged.length;
    }
    const fresh: Item[] = [];
    const suspects: Item[] = [];
    for (const item of items) {
      if (unchanged.includes(item)) continue;
      const failed = this.failures.get(item.paper.id) ?? 0;
      if (failed >= this.maxPaperFailures) counts.givenUp += 1;
      else (failed > 0 ? suspects : fresh).push(item);
    }
    return [
      ...(fresh.length > 0 ? [{ items: fresh, retries: true }] : []),
      ...suspects.map((item) => ({ items: [item], retries: false })),
    ];
  }

  private async isolate(items: Item[], readAt: string, counts: Counts, signal?: AbortSignal): Promise<void> {
    for (const item of items) {
      try {
        await this.embedGroup({ items: [item], retries: false }, readAt, signal);
        counts.embedded += 1;
      } catch (err) {
        if (signal?.aborted) throw stopped(counts);
        if (err instanceof EmbeddingUnavailableError)
          throw new RunStop({ status: 'skipped', reason: err.message });
        this.setAside([item], counts);
      }
    }
  }

  private async embedGroup(
    group: { items: Item[]; retries: boolean },
    readAt: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const texts = group.items.map((i) => i.text);
    const provider = this.semantic.provider;
    const vectors = await retry(
      () => provider.embed(texts, 'document', { signal }),
      group.retries ? this.policy : { ...this.policy, attempts: 1 },
      {
        signal,
        isRetryable: (err) =>
          !(err instanceof EmbeddingUnavailableError) &&
          !(err instanceof EmbeddingRequestError && !err.retryable),
        onRetry: (err, attempt, delayMs) =>
          this.options.log?.warn(
            { attempt, delayMs, err: err instanceof Error ? err.message : String(err) },
            'embedding failed; retrying',
          ),
      },
    );
    if (vectors.length !== texts.length) {
      throw new EmbeddingRequestError(
        `the model returned ${vectors.length} vectors for ${texts.length} texts`,
        true,
      );
    }
    const rows = group.items.map((item, i) => ({
      paperId: item.paper.id,
      vector: vectors[i]!,
      textHash: item.hash,
      createdAt: readAt,
    }));
    await this.store.save(this.semantic.model, rows, readAt);
    await this.semantic.add(rows);
    for (const item of group.items) this.failures.delete(item.paper.id);
  }

  private setAside(items: Item[], counts: Counts): void {
    counts.failed += items.length;
    for (const item of items) this.failures.set(item.paper.id, (this.failures.get(item.paper.id) ?? 0) + 1);
  }
}

function stopped(counts: Counts): RunStop {
  return new RunStop({
    status: 'skipped',
    reason: `stopped after ${counts.embedded} papers; the next run continues`,
  });
}
