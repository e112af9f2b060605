// Configuration comes from environment variables only, validated once at start-up so that a bad
// value stops the process with a message naming the variable instead of failing later.
import path from 'node:path';
import { z } from 'zod';
import { categoryName } from '../domain/arxiv-taxonomy.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_LOCAL_MODEL = 'Xenova/all-MiniLM-L6-v2';
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

type Vars = typeof CONFIG_VARIABLES;
type Parsed = { [K in keyof Vars]: z.infer<Vars[K]['schema']> };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  baseUrl: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  logLevel: (typeof LOG_LEVELS)[number];
  demo: 'auto' | 'off';
  embeddings: EmbeddingsConfig;
  semanticSearch: { budgetMs: number; weight: number };
  /** PostgreSQL deployments: the node-local search index and how often it follows the feed. */
  searchIndex: { file: string; pollMs: number };
  arxiv: { apiUrl: string; categories: string[]; poll: boolean; intervalMs: number };
  /** User-Agent of requests to paper sources. */
  ingestUserAgent: string;
  /** Email digests: SMTP server (null: the outbox), failure handling, schedule. */
  mail: MailConfig;
  /** The job queue's workers (src/jobs/worker.ts). */
  jobs: { concurrency: number; leaseMs: number; pollMs: number; retentionMs: number };
  /** SECRET_KEY, or null to use (and create) DATA_DIR/secret-key. */
  secretKey: string | null;
  /** Rules of community submissions. */
  submissions: { maxAgeDays: number; perDay: number };
  /** Sender of outgoing mail. */
  mailFrom: string;
  auth: { sessionDays: number; signinTokenMinutes: number };
  rateLimits: RateLimits;
  /** Fastify's trustProxy: whom to believe about the client's address (X-Forwarded-For). */
  trustProxy: boolean | number | string[];
  /** How long a cached anonymous page may be served after its data changed (0: never). */
  pageCacheStaleMs: number;
}

export interface RateLimits {
  /** Sign-in links per address per 15 minutes. */
  signinPerEmail: number;
  /** Sign-in requests per IP address per hour. */
  signinPerIp: number;
  /** State-changing requests per minute per account (or IP address when signed out). */
  writesPerMinute: number;
  /** Where the counters live: this process, or the database (shared by every web node). */
  store: 'memory' | 'database';
}

export interface MailConfig {
  smtpUrl: string | null;
  pauseAfter: number;
  retryDelayMs: number;
  digestCheckMinutes: number;
}

export type EmbeddingsConfig =
  | { kind: 'off' }
  | { kind: 'local'; model: string; folder: string; prefixes: { query: string; document: string } }
  | {
      kind: 'openai';
      url: string;
      model: string;
      apiKey: string | null;
      prefixes: { query: string; document: string };
    };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` (normally process.env); throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const values: Partial<Record<keyof Vars, unknown>> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [keyof Vars, Vars[keyof Vars]][]) {
    const raw = env[name];
    const result = spec.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) values[name] = result.data;
    else
      problems.push(
        `${name}=${JSON.stringify(raw)}: ${result.error.issues[0]?.message ?? 'invalid'}. ${spec.help}`,
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const v = values as Parsed;
  const dataDir = path.resolve(cwd, v.PAPERBOY_DATA_DIR);
  const baseUrl = (v.BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, '');
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    baseUrl,
    database: databaseFrom(v.DATABASE_URL, dataDir, cwd),
    logLevel: v.LOG_LEVEL,
    demo: v.PAPERBOY_DEMO,
    embeddings: embeddingsFrom(v, dataDir, cwd),
    semanticSearch: { budgetMs: v.SEARCH_SEMANTIC_BUDGET_MS, weight: v.SEARCH_SEMANTIC_WEIGHT },
    searchIndex: {
      file: path.resolve(cwd, v.SEARCH_INDEX_FILE ?? path.join(dataDir, 'search-index.db')),
      pollMs: v.SEARCH_SYNC_MS,
    },
    arxiv: arxivFrom(v),
    ingestUserAgent: v.INGEST_USER_AGENT ?? `paperboy/0.1 (+${baseUrl})`,
    mail: {
      smtpUrl: v.SMTP_URL ?? null,
      pauseAfter: v.MAIL_PAUSE_AFTER,
      retryDelayMs: v.MAIL_RETRY_DELAY_MS,
      digestCheckMinutes: v.DIGEST_CHECK_MINUTES,
    },
    jobs: {
      concurrency: v.WORKER_CONCURRENCY,
      leaseMs: v.JOB_LEASE_SECONDS * 1000,
      pollMs: v.WORKER_POLL_MS,
      retentionMs: v.JOB_RETENTION_DAYS * 86_400_000,
    },
    secretKey: v.SECRET_KEY ?? null,
    submissions: { maxAgeDays: v.SUBMISSION_MAX_AGE_DAYS, perDay: v.SUBMISSIONS_PER_DAY },
    mailFrom: v.MAIL_FROM,
    auth: { sessionDays: v.SESSION_DAYS, signinTokenMinutes: v.SIGNIN_TOKEN_MINUTES },
    rateLimits: {
      signinPerEmail: v.RATE_LIMIT_SIGNIN_PER_EMAIL,
      signinPerIp: v.RATE_LIMIT_SIGNIN_PER_IP,
      writesPerMinute: v.RATE_LIMIT_WRITES,
      store: rateLimitStoreFrom(v.RATE_LIMIT_STORE, v.DATABASE_URL),
    },
    trustProxy: trustProxyFrom(v.TRUST_PROXY),
    pageCacheStaleMs: v.PAGE_CACHE_STALE_MS,
  };
}

/** auto: shared counters wherever several nodes can share a database (PostgreSQL). */
function rateLimitStoreFrom(
  value: Parsed['RATE_LIMIT_STORE'],
  databaseUrl: string | undefined,
): RateLimits['store'] {
  if (value !== 'auto') return value;
  return databaseUrl?.startsWith('postgres') ? 'database' : 'memory';
}

function arxivFrom(v: Parsed): Config['arxiv'] {
  // arXiv's own servers get their 3 s; only a mirror or a test server may be asked faster.
  if (new URL(v.ARXIV_API_URL).hostname.endsWith('arxiv.org') && v.ARXIV_API_INTERVAL_MS < 3000) {
    throw new ConfigError([
      `ARXIV_API_INTERVAL_MS=${v.ARXIV_API_INTERVAL_MS}: arXiv's terms ask for at least 3000 ms between requests to arxiv.org.`,
    ]);
  }
  return {
    apiUrl: v.ARXIV_API_URL,
    categories: v.ARXIV_CATEGORIES,
    poll: v.ARXIV_POLL === 'on',
    intervalMs: v.ARXIV_API_INTERVAL_MS,
  };
}

function embeddingsFrom(v: Parsed, dataDir: string, cwd: string): EmbeddingsConfig {
  const prefixes = { query: v.EMBEDDINGS_QUERY_PREFIX ?? '', document: v.EMBEDDINGS_DOCUMENT_PREFIX ?? '' };
  if (v.EMBEDDINGS === 'off') return { kind: 'off' };
  if (v.EMBEDDINGS === 'local') {
    const model = v.EMBEDDINGS_MODEL ?? DEFAULT_LOCAL_MODEL;
    // A path is what looks like one; anything else is an id, kept under the data folder.
    const isPath = path.isAbsolute(model) || model.startsWith('.');
    const folder = isPath ? path.resolve(cwd, model) : path.join(dataDir, 'models', model);
    return { kind: 'local', model, folder, prefixes };
  }
  const missing = (['EMBEDDINGS_URL', 'EMBEDDINGS_MODEL'] as const).filter((name) => v[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((name) => `${name} is required with EMBEDDINGS=openai. ${CONFIG_VARIABLES[name].help}`),
    );
  }
  return {
    kind: 'openai',
    url: v.EMBEDDINGS_URL!,
    model: v.EMBEDDINGS_MODEL!,
    apiKey: v.EMBEDDINGS_API_KEY ?? null,
    prefixes,
  };
}

function databaseFrom(url: string | undefined, dataDir: string, cwd: string): Config['database'] {
  if (url === undefined) return { kind: 'sqlite', file: path.join(dataDir, 'paperboy.db') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  return { kind: 'postgres', url };
}

function trustProxyFrom(value: string): Config['trustProxy'] {
  if (value === 'off') return false;
  if (value === 'on') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',');
}

/** Lines for `paperboy --help`. */
export function describeVariables(): string {
  const width = Math.max(...Object.keys(CONFIG_VARIABLES).map((n) => n.length)) + 1;
  return Object.entries(CONFIG_VARIABLES)
    .map(
      ([name, spec]) =>
        `  ${name.padEnd(width)} ${spec.help}${spec.default ? ` (default ${spec.default})` : ''}`,
    )
    .join('\n');
}
