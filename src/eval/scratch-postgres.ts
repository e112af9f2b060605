// `DATABASE_URL=postgres://… npm run eval` evaluates search as a PostgreSQL deployment runs it (the
// node-local index derived through the change feed). Each collection gets a database of its own on
// that server, created here and dropped afterwards: the configured database itself is never
// touched (the role needs CREATEDB).
import crypto from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchPostgres(serverUrl: string | undefined): Promise<ScratchDatabase | null> {
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) return null;
  const name = `paperboy_eval_${crypto.randomBytes(6).toString('hex')}`;
  await admin(
    serverUrl,
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
