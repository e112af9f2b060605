// Configuration comes from environment variables only, validated once at start-up so that a bad
// value stops the process with a message naming the variable instead of failing later.
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
    help: 'sqlite:PATH (default: DATA_DIR/paperboy.db). postgres:// is reserved for the PostgreSQL backend.',
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
}

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
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    baseUrl: (v.BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    database: databaseFrom(v.DATABASE_URL, dataDir, cwd),
    logLevel: v.LOG_LEVEL,
    demo: v.PAPERBOY_DEMO,
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

/** Lines for `paperboy --help`. */
export function describeVariables(): string {
  return Object.entries(CONFIG_VARIABLES)
    .map(
      ([name, spec]) =>
        `  ${name.padEnd(18)} ${spec.help}${spec.default ? ` (default ${spec.default})` : ''}`,
    )
    .join('\n');
}
