// `paperboy serve`: the web server, with migrations on start, demo data on first run, and a
// graceful shutdown: on SIGTERM/SIGINT in-flight requests finish, then the database closes.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { scheduleArxivPolling } from '../ingest/arxiv-poller.ts';
import { scheduleDigests } from '../jobs/digest-scheduling.ts';
import { scheduleEmbedding } from '../jobs/embedding-schedule.ts';
import { createContainer, createWebApp } from '../main/container.ts';
import { createArxivPoller } from './ingest-arxiv.ts';

export async function serve(config: Config, logger: Logger): Promise<void> {
  const container = await createContainer(config, { logger });
  if (config.demo === 'auto') {
    const result = await container.seeder.seedDemo();
    if (result.seeded)
      logger.info({ papers: result.papers, days: result.days }, 'loaded demo data into the empty database');
  }
  const indexed = await container.search.ensureIndexed(await container.papersRepo.count());
  if (indexed !== null) logger.info({ papers: indexed }, 'built the search index');
  // Hybrid search: vectors are loaded and new papers embedded in the background; until then, lexical.
  const { semantic, embedJob } = container;
  const embedding = semantic && embedJob ? scheduleEmbedding(semantic, embedJob, logger) : null;
  if (semantic)
    logger.info({ model: semantic.model }, 'hybrid search on: embedding papers in the background');
  embedding?.start();
  container.search.onPapersIndexed(() => embedding?.runSoon());
  // ARXIV_POLL=on: new papers after each arXiv announcement, and at once if one was missed.
  const polling = config.arxiv.poll
    ? scheduleArxivPolling(createArxivPoller(config, container.sink), logger)
    : null;
  if (polling) logger.info({ categories: config.arxiv.categories }, 'polling arXiv after each announcement');
  polling?.start();
  // Digests and topic alerts, each subscriber at their hour; DIGEST_CHECK_MINUTES=0 leaves it to the CLI.
  const minutes = config.mail.digestCheckMinutes;
  const digests = minutes > 0 ? scheduleDigests(container.email.digestJob, logger, minutes * 60_000) : null;
  digests?.start();
  const app = await createWebApp(container, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await app.close();
      await polling?.stop();
      await embedding?.stop();
      await digests?.stop();
      await container.close();
      logger.info('stopped cleanly');
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
    // Everything that matters is closed; an ingestion request still waiting on a remote server
    // (it cannot be cancelled, and its page would not be stored) must not hold the process open.
    process.exit();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.baseUrl, database: describe(config) }, 'paperboy is serving');
}

function describe(config: Config): string {
  return config.database.kind === 'sqlite' ? `sqlite:${config.database.file}` : 'postgres';
}
