// Runs `paperboy ingest arxiv ...` (see arxiv-cli-entry.ts) as a real child process.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.resolve(import.meta.dirname, 'arxiv-cli-entry.ts');

/** The parent's environment without the variables paperboy reads, plus `env`. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) {
    if (
      /^(BASE_URL|PORT|HOST|DATABASE_URL|LOG_LEVEL|PAPERBOY_.*|ARXIV_.*|INGEST_.*|EMBEDDINGS.*)$/.test(name)
    ) {
      delete base[name];
    }
  }
  return { ...base, ...env };
}

export function spawnArxivCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, 'ingest', 'arxiv', ...args], {
    env: cleanEnv(env),
    stdio: 'pipe',
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function finished(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runArxivCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return finished(spawnArxivCli(args, env));
}
