// Wires email delivery: tokens, subscriptions, the digest composer and job, and the outbox reader.
import type { Config } from '../config/config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { DeliveryRepository } from '../db/repositories/delivery-repository.ts';
import { DigestPaperQueries } from '../db/repositories/digest-papers.ts';
import { IngestStateRepository } from '../db/repositories/ingest-state-repository.ts';
import type { ListingRepository } from '../db/repositories/listing-repository.ts';
import type { PaperRepository } from '../db/repositories/paper-repository.ts';
import { SubscriptionRepository } from '../db/repositories/subscription-repository.ts';
import { DigestJob } from '../jobs/digest-job.ts';
import type { DigestJobOptions } from '../jobs/digest-job.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { OutboxTransport } from '../mail/outbox-transport.ts';
import { DigestComposer } from '../services/digest-composer.ts';
import { MailAdminService } from '../services/mail-admin-service.ts';
import { MailTokens } from '../services/mail-tokens.ts';
import type { SearchService } from '../services/search-service.ts';
import { SubscriptionService } from '../services/subscription-service.ts';
import { outboxFolder } from './mail.ts';
import { loadSecretKey } from './secret-key.ts';

export interface EmailStack {
  subscriptions: SubscriptionService;
  composer: DigestComposer;
  digestJob: DigestJob;
  mailAdmin: MailAdminService;
}

export function createEmailStack(
  config: Config,
  database: DatabaseHandle,
  deps: { listings: ListingRepository; papers: PaperRepository; search: SearchService; mail: MailTransport },
  jobOptions: Partial<DigestJobOptions> = {},
): EmailStack {
  const tokens = new MailTokens(loadSecretKey(config.secretKey, config.dataDir));
  const subscriptionRepo = new SubscriptionRepository(database);
  const deliveries = new DeliveryRepository(database);
  const composer = new DigestComposer(
    deps.listings,
    deps.papers,
    new DigestPaperQueries(database),
    deps.search,
    tokens,
    config.baseUrl,
  );
  const digestJob = new DigestJob(
    subscriptionRepo,
    deliveries,
    new IngestStateRepository(database),
    composer,
    deps.mail,
    {
      pauseAfter: config.mail.pauseAfter,
      retry: { attempts: 3, baseDelayMs: config.mail.retryDelayMs, maxDelayMs: config.mail.retryDelayMs * 4 },
      ...jobOptions,
    },
  );
  return {
    subscriptions: new SubscriptionService(database, subscriptionRepo, tokens, deps.mail, config.baseUrl),
    composer,
    digestJob,
    mailAdmin: new MailAdminService(
      deliveries,
      new OutboxTransport(outboxFolder(config), config.mailFrom),
      deps.mail.description,
    ),
  };
}
