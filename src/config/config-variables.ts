// Every configuration variable: its zod schema, its default and the help text `paperboy --help`
// prints. config.ts turns the validated values into the Config the program uses.
import { z } from 'zod';
import { categoryName } from '../domain/arxiv-taxonomy.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DEFAULT_LOCAL_MODEL = 'Xenova/all-MiniLM-L6-v2';
const ARXIV_API_DEFAULT = 'https://export.arxiv.org/api/query';
const ARXIV_CATEGORIES_DEFAULT = 'cs.AI,cs.CL,cs.CV,cs.LG';

/** Each variable with its schema and the text `paperboy --help` prints. */
export const CONFIG_VARIABLES = {
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    help: 'TCP port to listen on (0-65535).',
    default: '3000',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    help: 'Interface to bind, e.g. 127.0.0.1 or 0.0.0.0.',
    default: '0.0.0.0',
  },
  PAPERBOY_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    help: 'Directory for the SQLite database and other state.',
    default: './data',
  },
  BASE_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    help: 'Public URL of the site (http or https), used in links that leave the page. Default http://localhost:PORT.',
    default: '',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
      .optional(),
    help:
      'sqlite:PATH (default: DATA_DIR/paperboy.db), or postgres://USER:PASSWORD@HOST:PORT/DB (UTF8, C collation); ' +
      'on PostgreSQL only `paperboy migrate` runs so far: search needs SQLite.',
    default: '',
  },
  LOG_LEVEL: {
    schema: z.enum(LOG_LEVELS).default('info'),
    help: `Log level: ${LOG_LEVELS.join(', ')}.`,
    default: 'info',
  },
  PAPERBOY_DEMO: {
    schema: z.enum(['auto', 'off']).default('auto'),
    help: 'auto: load demo papers on first start with an empty database; off: never.',
    default: 'auto',
  },
  EMBEDDINGS: {
    schema: z.enum(['off', 'local', 'openai']).default('off'),
    help:
      'Hybrid (lexical + embedding) search. off: lexical only; local: an ONNX model run in-process ' +
      '(EMBEDDINGS_MODEL); openai: an OpenAI-compatible /v1/embeddings server (EMBEDDINGS_URL).',
    default: 'off',
  },
  EMBEDDINGS_MODEL: {
    schema: z.string().min(1).optional(),
    help:
      `local: a model folder (absolute or ./relative path) or an id looked up as DATA_DIR/models/ID, ` +
      `default ${DEFAULT_LOCAL_MODEL}; never downloaded. ` +
      'openai: the model name the server expects (required).',
    default: '',
  },
  EMBEDDINGS_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    help: 'Base URL of the embedding server for EMBEDDINGS=openai, e.g. http://localhost:11434 (Ollama).',
    default: '',
  },
  EMBEDDINGS_API_KEY: {
    schema: z.string().min(1).optional(),
    help: 'Bearer token for the embedding server, if it wants one.',
    default: '',
  },
  EMBEDDINGS_QUERY_PREFIX: {
    schema: z.string().optional(),
    help: 'Text put before every query, for models that want one (e5: "query: ").',
    default: '',
  },
  EMBEDDINGS_DOCUMENT_PREFIX: {
    schema: z.string().optional(),
    help: 'Text put before every paper, for models that want one (e5: "passage: ").',
    default: '',
  },
  SEARCH_SEMANTIC_BUDGET_MS: {
    schema: z.coerce.number().int().min(1).max(60_000).default(150),
    help:
      'Time the semantic side of a search may take (embed the query, find neighbours); ' +
      'past it, results stay lexical.',
    default: '150',
  },
  SEARCH_INDEX_FILE: {
    schema: z.string().min(1).optional(),
    help:
      "PostgreSQL only: this node's search index, derived from the database (rebuilt when missing); " +
      'default DATA_DIR/search-index.db.',
    default: '(DATA_DIR/search-index.db)',
  },
  SEARCH_SYNC_MS: {
    schema: z.coerce.number().int().min(0).max(3_600_000).default(1000),
    help:
      'PostgreSQL only: how often the search index polls the change feed (NOTIFY wakes it sooner); ' +
      '0 relies on NOTIFY alone.',
    default: '1000',
  },
  SEARCH_SEMANTIC_WEIGHT: {
    schema: z.coerce.number().min(0).max(100).default(1),
    help: 'Weight of the semantic ranking in reciprocal rank fusion; the lexical ranking weighs 1.',
    default: '1',
  },
  ARXIV_API_URL: {
    schema: z.url({ protocol: /^https?$/ }).default(ARXIV_API_DEFAULT),
    help: 'The arXiv API query endpoint (a mirror or a test server may stand in).',
    default: ARXIV_API_DEFAULT,
  },
  ARXIV_CATEGORIES: {
    schema: z
      .string()
      .default(ARXIV_CATEGORIES_DEFAULT)
      .transform((s) =>
        s
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      )
      .refine((cs) => cs.length > 0, 'needs at least one category')
      .refine((cs) => cs.every((c) => categoryName(c) !== null), 'not an arXiv category code, e.g. cs.LG'),
    help: 'Comma-separated arXiv categories that ARXIV_POLL and `paperboy ingest arxiv` fetch.',
    default: ARXIV_CATEGORIES_DEFAULT,
  },
  ARXIV_POLL: {
    schema: z.enum(['on', 'off']).default('off'),
    help:
      'on: the workers (`paperboy worker`, or `paperboy serve`) fetch new papers of ARXIV_CATEGORIES from the arXiv API after each ' +
      'announcement (Sun-Thu 20:00 US Eastern) and on start when a poll was missed; needs internet. ' +
      'off: no requests leave the server.',
    default: 'off',
  },
  ARXIV_API_INTERVAL_MS: {
    schema: z.coerce.number().int().min(0).max(600_000).default(3000),
    help: "Pause between two arXiv API requests; arXiv's terms ask for 3000, lower only for a mirror.",
    default: '3000',
  },
  INGEST_USER_AGENT: {
    schema: z.string().min(1).optional(),
    help: 'User-Agent for requests to paper sources; name the site and a contact. Default paperboy/0.1 (+BASE_URL).',
    default: '',
  },
  ARXIV_OAI_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://oaipmh.arxiv.org/oai'),
    help: 'Base URL of the arXiv OAI-PMH service that `paperboy ingest oai` harvests (a mirror or a test server may stand in).',
    default: 'https://oaipmh.arxiv.org/oai',
  },
  ARXIV_OAI_INTERVAL_MS: {
    schema: z.coerce.number().int().min(0).max(600_000).default(3000),
    help: "Pause between two OAI-PMH requests; arXiv's terms ask for 3000 (enforced for arxiv.org), lower only for a mirror.",
    default: '3000',
  },
  SUBMISSION_MAX_AGE_DAYS: {
    schema: z.coerce.number().int().min(1).max(36_500).default(14),
    help: 'Papers can be submitted by users only within this many days of their first arXiv version.',
    default: '14',
  },
  SUBMISSIONS_PER_DAY: {
    schema: z.coerce.number().int().min(0).max(10_000).default(5),
    help: 'Papers one user may submit per UTC day (0: submissions are closed).',
    default: '5',
  },
  MAIL_FROM: {
    schema: z.string().min(3).default('paperboy <paperboy@localhost>'),
    help: 'Sender of the mail paperboy sends (sign-in links), e.g. "paperboy <papers@example.org>".',
    default: 'paperboy <paperboy@localhost>',
  },
  SESSION_DAYS: {
    schema: z.coerce.number().int().min(1).max(400).default(30),
    help: 'How long a sign-in lasts, in days (the session cookie expires then).',
    default: '30',
  },
  SIGNIN_TOKEN_MINUTES: {
    schema: z.coerce.number().int().min(1).max(1440).default(15),
    help: 'How long an emailed sign-in link works, in minutes (each link works once).',
    default: '15',
  },
  RATE_LIMIT_SIGNIN_PER_EMAIL: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(5),
    help: 'Sign-in links one email address may be sent per 15 minutes.',
    default: '5',
  },
  RATE_LIMIT_SIGNIN_PER_IP: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(20),
    help: 'Sign-in requests one IP address may make per hour.',
    default: '20',
  },
  TRUST_PROXY: {
    schema: z
      .string()
      .regex(
        /^(off|on|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
        'must be off, on, a number of proxies, or addresses',
      )
      .default('off'),
    help:
      'Behind a reverse proxy, take the client address from X-Forwarded-For (rate limits count per client): ' +
      'on (any proxy), the number of proxies in front, or their addresses/CIDRs, e.g. 127.0.0.1,10.0.0.0/8.',
    default: 'off',
  },
  RATE_LIMIT_WRITES: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(60),
    help: 'State-changing requests (votes, comments, settings…) per minute, per account or, signed out, per IP address.',
    default: '60',
  },
  PAGE_CACHE_STALE_MS: {
    schema: z.coerce.number().int().min(0).max(60_000).default(0),
    help:
      'How long (ms) a cached page for signed-out readers may still be served after the data it shows changed. ' +
      '0: never (every vote re-renders the pages). Busy sites with many writes: 1000-2000 keeps the page cache useful.',
    default: '0',
  },
  RATE_LIMIT_STORE: {
    schema: z.enum(['auto', 'memory', 'database']).default('auto'),
    help:
      'Where rate-limit counters live. memory: in each process (one node); database: in the database, ' +
      'shared by every web node; auto: database on PostgreSQL, memory on SQLite.',
    default: 'auto',
  },
  // Email digests and alerts (see README "Email digests and alerts").
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\/[^/\s]+/, 'must be smtp://[user:pass@]host[:port] or smtps://…')
      .refine((u) => URL.canParse(u), 'is not a valid URL')
      .optional(),
    help: 'Send mail through this SMTP server (smtp://user:pass@host:587, smtps://…:465). Unset: mail goes to DATA_DIR/outbox, listed at /admin/mail.',
    default: '',
  },
  SECRET_KEY: {
    schema: z.string().min(32, 'must have at least 32 characters').optional(),
    help: 'Server secret that signs unsubscribe and confirmation links. Unset: generated once and kept in DATA_DIR/secret-key (mode 0600).',
    default: '',
  },
  MAIL_PAUSE_AFTER: {
    schema: z.coerce.number().int().min(1).max(100).default(3),
    help: 'Permanent delivery failures in a row after which a subscriber is paused (an admin resumes them at /admin/mail).',
    default: '3',
  },
  MAIL_RETRY_DELAY_MS: {
    schema: z.coerce.number().int().min(0).max(600_000).default(2000),
    help: 'Wait before retrying a message after a temporary SMTP failure (doubled per try, 3 tries per run; then later runs).',
    default: '2000',
  },
  DIGEST_CHECK_MINUTES: {
    schema: z.coerce.number().int().min(0).max(1440).default(10),
    help: 'The workers (`paperboy worker`, or `paperboy serve`) look for due digests and alerts this often; 0: never (send with `paperboy digest send` or `paperboy jobs run digests`).',
    default: '10',
  },
  // Background jobs (README "Background jobs"; src/jobs/worker.ts).
  WORKER_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(2),
    help: 'Jobs one worker process (`paperboy worker`, or `paperboy serve` without --no-jobs) runs at the same time.',
    default: '2',
  },
  JOB_LEASE_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600).default(60),
    help: "How long a claimed job stays a worker's without a heartbeat (renewed every third of it); a killed worker's job is taken over after this.",
    default: '60',
  },
  WORKER_POLL_MS: {
    schema: z.coerce.number().int().min(50).max(60_000).default(1000),
    help: 'How often an idle worker looks for due jobs (jobs enqueued in the same process wake it at once).',
    default: '1000',
  },
  JOB_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(14),
    help: 'Finished jobs (done or failed) are deleted from the job list after this many days.',
    default: '14',
  },
} as const;
