// `paperboy serve`: the web server, with migrations on start, demo data on first run, and a
// graceful shutdown: on SIGTERM/SIGINT in-flight requests finish, running jobs go back to the
// queue, then the database closes. Background jobs (arXiv polling, embeddings, digests) run in the
// same process unless --no-jobs: one process is the whole site on SQLite, while a cluster runs web
// nodes with --no-jobs and `paperboy worker` processes beside them.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { EMBED_INTERVAL_MS } from '../jobs/job-kinds.ts';
import { PeriodicJob } from '../jobs/scheduler.ts';
import { createContainer, createWebApp } from '../main/container.ts';
import { embedWhenPapersArrive, startJobs } from './worker.ts';
import { stopOnSignals } from './shutdown.ts';

export interface ServeOptions {
  /** Run the background jobs in this process too (the default). */
  jobs: boolean;
}

export async function serve(
  config: Config,
  logger: Logger,
  options: ServeOptions = { jobs: true },
): Promise<void> {
  const container = await createContainer(config, { logger });
  if (config.demo === 'auto') {
    const result = await container.seeder.seedDemo();
    if (result.seeded)
      logger.info({ papers: result.papers, days: result.days }, 'loaded demo data into the empty database');
  }
  const indexed = await container.search.ensureIndexed(await container.papersRepo.count());
  if (indexed !== null) logger.info({ papers: indexed }, 'built the search index');
  // Hybrid search: this node's vector index follows the stored vectors, whoever embedded them;
  // until papers have vectors, search is lexical.
  const { semantic } = container;
  if (semantic)
    logger.info({ model: semantic.model }, 'hybrid search on: papers are embedded by the job queue');
  const vectorSync = semantic
    ? new PeriodicJob({
        name: 'vector-index-sync',
        intervalMs: EMBED_INTERVAL_MS,
        run: async () => {
          const synced = await semantic.sync();
          if (synced.added + synced.removed > 0)
            logger.info(
              { ...synced, size: semantic.size, index: semantic.indexKind },
              'vector index updated',
            );
          return { status: 'success' as const };
        },
        onError: (err) => logger.warn({ err }, 'could not update the vector index; trying again later'),
      })
    : null;
  vectorSync?.start();
  const jobs = options.jobs ? await startJobs(container, logger) : null;
  if (!jobs) logger.info('background jobs are off on this node (--no-jobs): run `paperboy worker` beside it');
  embedWhenPapersArrive(container, logger, () => jobs?.worker.wake());
  const app = await createWebApp(container, logger);
  stopOnSignals(logger, {
    message: 'shutting down: finishing in-flight requests',
    timeoutMessage: 'shutdown took longer than 10 s; exiting',
    steps: async () => {
      await app.close();
      await jobs?.stop();
      await vectorSync?.stop();
      await container.close();
    },
  });
  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.baseUrl, database: describe(config) }, 'paperboy is serving');
}

function describe(config: Config): string {
  return config.database.kind === 'sqlite' ? `sqlite:${config.database.file}` : 'postgres';
}
