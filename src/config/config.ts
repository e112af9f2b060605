// Configuration comes from environment variables only, validated once at start-up so that a bad
// value stops the process with a message naming the variable instead of failing later.
import path from 'node:path';
import type { z } from 'zod';
import type { LOG_LEVELS } from './config-variables.ts';
import { CONFIG_VARIABLES, DEFAULT_LOCAL_MODEL } from './config-variables.ts';

export { CONFIG_VARIABLES } from './config-variables.ts';

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
