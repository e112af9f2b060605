// The composition root: the only module that chooses concrete implementations and wires them.
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { ListingRepository } from '../db/repositories/listing-repository.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { arxivDemoPapers, hfDemoPapers, seedDemoPapers } from '../ingest/demo-data.ts';
import { FeedService } from '../services/feed-service.ts';
import { PaperService } from '../services/paper-service.ts';
import { SeedService } from '../services/seed-service.ts';
import { buildApp } from '../web/app.ts';
import type { WebDeps } from '../web/app.ts';

export interface Container {
  config: Config;
  database: DatabaseHandle;
  feeds: FeedService;
  papers: PaperService;
  seeder: SeedService;
  close(): Promise<void>;
}

export async function createContainer(config: Config): Promise<Container> {
  const database = await openDatabase(config.database);
  const paperRepo = new PaperRepository(database);
  const listingRepo = new ListingRepository(database);
  return {
    config,
    database,
    feeds: new FeedService(listingRepo),
    papers: new PaperService(paperRepo),
    seeder: new SeedService(paperRepo, listingRepo, loadDemoPapers),
    close: () => database.close(),
  };
}

export function loadDemoPapers() {
  return [...hfDemoPapers(), ...seedDemoPapers(), ...arxivDemoPapers()];
}

export function createWebApp(container: Container, logger: WebDeps['logger']) {
  return buildApp({
    feeds: container.feeds,
    papers: container.papers,
    changeToken: container.database.changeToken,
    checkHealth: async () => {
      await sql`select 1`.execute(container.database.db);
    },
    categoryName,
    baseUrl: container.config.baseUrl,
    logger,
  });
}
