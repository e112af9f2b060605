// The processes of the load-and-fault test: `paperboy serve --no-jobs` web nodes and `paperboy
// worker` nodes as real child processes on loopback, which the test kills with SIGKILL and starts
// again, and `paperboy jobs run KIND` to enqueue work as an operator would.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../bin/paperboy.js');

/** Variables of the parent (or of vitest) that paperboy reads and that must not leak into a node. */
const OWN_VARIABLES = [
  'BASE_URL',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'LOG_LEVEL',
  'PAPERBOY_DATA_DIR',
  'PAPERBOY_DEMO',
];

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OWN_VARIABLES) delete base[name];
  return { ...base, ...env };
}

export type NodeKind = 'web' | 'worker';

export interface LoadNode {
  name: string;
  kind: NodeKind;
  /** Web nodes: where they listen. */
  url: string | null;
  child: ChildProcess;
  /** The last 20 kB of the node's output, for failure reports. */
  output(): string;
  /** SIGKILLs and restarts so far. */
  restarts: number;
}

const TAIL = 20_000;

export class LoadCluster {
  readonly nodes: LoadNode[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly dataRoot: string,
  ) {}

  private dataDir(name: string): string {
    const dir = path.join(this.dataRoot, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  private spawnNode(
    name: string,
    kind: NodeKind,
    port: number | null,
  ): { child: ChildProcess; output: () => string } {
    const args = kind === 'web' ? ['serve', '--no-jobs'] : ['worker'];
    // Workers say when their jobs run (info); web nodes log only problems, not every request.
    const env: Record<string, string> = {
      LOG_LEVEL: kind === 'web' ? 'warn' : 'info',
      ...this.env,
      PAPERBOY_DATA_DIR: this.dataDir(name),
    };
    if (port !== null) Object.assign(env, { PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: 'pipe' });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-TAIL);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return { child, output: () => out };
  }

  /** Starts a node and resolves once it is ready (web: /healthz answers; worker: jobs running). */
  async start(name: string, kind: NodeKind, port: number | null = null): Promise<LoadNode> {
    const { child, output } = this.spawnNode(name, kind, port);
    const node: LoadNode = {
      name,
      kind,
      url: port === null ? null : `http://127.0.0.1:${port}`,
      child,
      output,
      restarts: 0,
    };
    this.nodes.push(node); // stop() ends it even when it never gets ready
    await ready(node);
    return node;
  }

  /** kill -9, then waits for the process to be gone. */
  async kill(node: LoadNode): Promise<void> {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      const gone = exitOf(node.child);
      node.child.kill('SIGKILL');
      await gone;
    }
  }

  /** Starts a killed node again under the same name, port and data directory. */
  async restart(node: LoadNode): Promise<void> {
    const port = node.url === null ? null : Number(new URL(node.url).port);
    const { child, output } = this.spawnNode(node.name, node.kind, port);
    node.child = child;
    node.output = output;
    node.restarts += 1;
    await ready(node);
  }

  /** Stops every node with SIGTERM (a clean shutdown), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        if (n.child.exitCode !== null || n.child.signalCode !== null) return;
        const gone = exitOf(n.child);
        n.child.kill('SIGTERM');
        const timer = setTimeout(() => n.child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }),
    );
  }

  /** `paperboy jobs run KIND`: enqueues one run now and returns the job id it prints. */
  async enqueue(kind: string): Promise<number> {
    const result = await run(
      [BIN, 'jobs', 'run', kind],
      childEnv({ ...this.env, PAPERBOY_DATA_DIR: this.dataDir('operator') }),
    );
    const id = /\b(\d+)\b/.exec(result.stdout);
    if (result.code !== 0 || !id) {
      throw new Error(`paperboy jobs run ${kind} failed (${result.code}): ${result.stdout}${result.stderr}`);
    }
    return Number(id[1]);
  }
}

async function ready(node: LoadNode): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (node.child.exitCode !== null) {
      throw new Error(`${node.name} exited with ${node.child.exitCode}: ${node.output()}`);
    }
    if (node.url !== null) {
      try {
        if ((await fetch(`${node.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
    } else if (node.output().includes('running background jobs')) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  node.child.kill('SIGKILL');
  throw new Error(`${node.name} was not ready within 120 s: ${node.output()}`);
}

export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
