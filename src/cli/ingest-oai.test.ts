// `paperboy ingest oai` as a child process against a loopback OAI-PMH server replaying REAL arXiv pages,
// including THE CRASH TEST: SIGKILL mid-harvest, `--resume`, and a database identical to that of an
// uninterrupted harvest.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../test/helpers/cli.ts';
import { dumpDatabase } from '../../test/helpers/db-dump.ts';
import type { Served } from '../../test/helpers/oai-replay-server.ts';
import {
  OaiReplayServer,
  chainRoutes,
  recordedRoutes,
  recording,
} from '../../test/helpers/oai-replay-server.ts';
import { Command } from 'commander';
import { registerOaiCommand, oaiSettings } from './ingest-oai.ts';
import { buildProgram } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Each test starts the CLI up to three times; on a loaded machine one start takes seconds.
const SLOW = 90_000;
const CHAIN_ARGS = [
  'ingest',
  'oai',
  '--set',
  'physics',
  '--from',
  '2017-12-14',
  '--format',
  'arXiv',
  '--list',
];

// Until main.ts wires `ingest oai` in, the command runs under the same commander set-up main.ts uses
// (a `paperboy` program with an `ingest` command, errors printed as "paperboy: ..." with exit code 1).
const RUNNER = `
import { Command } from 'commander';
const { registerOaiCommand } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/cli/ingest-oai.ts')).href)});
const program = new Command('paperboy');
registerOaiCommand(program.command('ingest'));
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  console.error('paperboy: ' + (err instanceof Error ? err.message : String(err)));
  process.exit(1);
}`;
const wired = buildProgram()
  .commands.find((c) => c.name() === 'ingest')
  ?.commands.some((c) => c.name() === 'oai');
const nodeArgs = (args: string[]) =>
  wired ? [BIN, ...args] : ['--import', 'tsx', '--input-type=module', '-e', RUNNER, '--', ...args];

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stdout: () => string;
}

function paperboy(args: string[], env: Record<string, string>): Run {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'BASE_URL',
    'PORT',
    'HOST',
    'DATABASE_URL',
    'LOG_LEVEL',
    'PAPERBOY_DATA_DIR',
    'PAPERBOY_DEMO',
  ]) {
    delete base[name];
  }
  const child = spawn(process.execPath, nodeArgs(args), {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Awaited<Run['done']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

let server: OaiReplayServer;
const dirs: string[] = [];

beforeAll(async () => {
  server = await OaiReplayServer.start([...chainRoutes(), ...recordedRoutes()]);
});
afterAll(() => server.close());
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): { env: Record<string, string>; db: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-oai-'));
  dirs.push(dir);
  const env = {
    PAPERBOY_DATA_DIR: dir,
    ARXIV_OAI_URL: server.url,
    ARXIV_OAI_INTERVAL_MS: '0',
    INGEST_USER_AGENT: 'paperboy-test/1 (+http://paperboy.test)',
  };
  return { env, db: path.join(dir, 'paperboy.db') };
}

/** Resolves when the server has sent the page called `name`. */
function served(name: string): Promise<Served> {
  return new Promise((resolve) => {
    const listener = (s: Served) => {
      if (s.name !== name) return;
      server.off('served', listener);
      resolve(s);
    };
    server.on('served', listener);
  });
}

let uninterruptedDump: Record<string, unknown[]> | undefined;

/** The database of one uninterrupted CLI harvest of the chain (computed once). */
async function uninterrupted(): Promise<Record<string, unknown[]>> {
  if (uninterruptedDump) return uninterruptedDump;
  const { env, db } = dataDir();
  const run = await paperboy(CHAIN_ARGS, env).done;
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  uninterruptedDump = dumpDatabase(db);
  return uninterruptedDump;
}

describe('paperboy ingest oai', () => {
  it(
    'survives SIGKILL after the 2nd page is served: --resume ends with the same database',
    async () => {
      const expected = await uninterrupted();
      expect(expected.papers).toHaveLength(196);
      expect(expected.listings!.length).toBeGreaterThan(50);

      const { env, db } = dataDir();
      const before = server.requests.length;
      const first = paperboy(CHAIN_ARGS, env);
      await served('chain page 2');
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).not.toContain('done');
      expect(server.requests.slice(before, before + 2).map((r) => r.name)).toEqual([
        'chain page 1',
        'chain page 2',
      ]);
      // The checkpoint names the next page to fetch: chain-1 if page 2 had not committed yet, else chain-2.
      const checkpoint = JSON.parse(dumpDatabase(db).ingest_state![0] as string) as { state: string };
      const token = (JSON.parse(checkpoint.state) as { active: { resumptionToken: string } }).active
        .resumptionToken;
      expect(['chain-1', 'chain-2']).toContain(token);
      const tokens = ['chain-1', 'chain-2', 'chain-3'];

      const from = server.requests.length;
      const resumed = await paperboy(['ingest', 'oai', '--resume'], env).done;
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(
        /^Resuming harvest of set physics in arXiv from 2017-12-14, [12] page\(s\) stored$/m,
      );
      expect(resumed.stdout).toContain(
        'OAI-PMH harvest of set physics in arXiv from 2017-12-14 done: 4 pages, 202 records',
      );
      expect(resumed.stdout).toContain('The next incremental harvest starts from 2017-12-14.');
      // The resumed run asks for exactly the pages that were not stored.
      expect(server.requests.slice(from).map((r) => r.query.resumptionToken)).toEqual(
        tokens.slice(tokens.indexOf(token)),
      );

      expect(dumpDatabase(db)).toEqual(expected);
    },
    SLOW,
  );

  it(
    'after a kill once page 2 is committed, resumes with page 3 and matches the uninterrupted run',
    async () => {
      const expected = await uninterrupted();
      const { env, db } = dataDir();
      const first = paperboy(CHAIN_ARGS, env);
      // Page lines are printed after their transaction commits.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (!/^page 2: /m.test(first.stdout())) return;
          clearInterval(poll);
          resolve();
        }, 5);
      });
      first.child.kill('SIGKILL');
      await first.done;
      const before = server.requests.length;
      const resumed = await paperboy(['ingest', 'oai', '--resume'], env).done;
      expect(resumed.code).toBe(0);
      expect(server.requests.slice(before).map((r) => r.query.resumptionToken)).toEqual([
        'chain-2',
        'chain-3',
      ]);
      expect(resumed.stdout).toMatch(/^page 3: 46 records \(list size 202\): \d+ inserted/m);
      expect(dumpDatabase(db)).toEqual(expected);
    },
    SLOW,
  );

  it(
    'prints one line per page and a summary; a second run continues incrementally',
    async () => {
      const { env } = dataDir();
      const run = await paperboy(['ingest', 'oai', '--from', '2014-10-01'], env).done;
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n').filter((l) => l.startsWith('page '))).toEqual([
        'page 1: 6 records (list size 58011): 6 inserted, 0 updated, 0 unchanged, 0 listed; skipped 0 deleted, 0 invalid; next token 726959|1001',
        'page 2: 1 records (list size 1002): 1 inserted, 0 updated, 0 unchanged, 0 listed; skipped 0 deleted, 0 invalid; last page',
      ]);
      expect(run.stdout).toContain('The next incremental harvest starts from 2015-01-06.');
      // No recording answers from=2015-01-06: the error names the request, exits 1, and leaves the
      // harvest pending for --resume.
      const next = await paperboy(['ingest', 'oai'], env).done;
      expect(next.code).toBe(1);
      expect(next.stderr).toMatch(
        /^paperboy: ingest oai: arXiv OAI-PMH: HTTP 404: no recording answers from=2015-01-06&metadataPrefix=arXivRaw&verb=ListRecords/m,
      );
      const again = await paperboy(['ingest', 'oai', '--from', '2014-10-01'], env).done;
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(
        'an interrupted harvest is pending (harvest of all sets in arXivRaw from 2015-01-06, 0 page(s) stored)',
      );
    },
    SLOW,
  );

  it(
    'exits 1 with a clear message on OAI errors and when there is nothing to resume',
    async () => {
      const { env } = dataDir();
      const cases: [string[], RegExp][] = [
        [
          ['ingest', 'oai', '--set', 'bad-argument', '--from', '2024-10-01'],
          /^paperboy: ingest oai: arXiv OAI-PMH: error badArgument: Verb 'ListRecords', illegal argument 'identifier'\. \(http/m,
        ],
        [
          ['ingest', 'oai', '--resume'],
          /^paperboy: ingest oai: there is no interrupted OAI-PMH harvest to resume$/m,
        ],
        [
          ['ingest', 'oai', '--set', 'cs'],
          /no earlier harvest of set cs in arXivRaw: give the first day with --from YYYY-MM-DD/,
        ],
      ];
      for (const [args, message] of cases) {
        const run = await paperboy(args, env).done;
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toMatch(message);
      }
    },
    SLOW,
  );

  it('refuses bad options before touching anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--resume', '--set', 'cs'], /--resume continues the stored harvest; drop --set$/],
      [
        ['--resume', '--format', 'arXiv', '--list'],
        /--resume continues the stored harvest; drop --list, --format$/,
      ],
      [
        ['--set', 'cs', '--from', '2024-10-01', '--format', 'oai_dc'],
        /option '--format <prefix>' argument 'oai_dc' is invalid/,
      ],
      [
        ['--set', 'cs; drop', '--from', '2024-10-01'],
        /--set must be an OAI setSpec such as cs or physics:hep-th, got "cs; drop"/,
      ],
    ];
    for (const [args, message] of cases) {
      const program = new Command('paperboy').exitOverride().configureOutput({ writeErr: () => undefined });
      registerOaiCommand(program.command('ingest'));
      await expect(program.parseAsync(['ingest', 'oai', ...args], { from: 'user' })).rejects.toThrow(message);
    }
  });

  it('keeps arxiv.org at one request per 3 s and lets a mirror go faster', () => {
    expect(() => oaiSettings({ ARXIV_OAI_INTERVAL_MS: '0' })).toThrow(
      "ARXIV_OAI_INTERVAL_MS=0: arXiv's terms ask for at least 3000 ms between requests",
    );
    expect(oaiSettings({})).toEqual({ url: 'https://oaipmh.arxiv.org/oai', intervalMs: 3000 });
    expect(oaiSettings({ ARXIV_OAI_URL: 'http://mirror.test/oai', ARXIV_OAI_INTERVAL_MS: '0' })).toEqual({
      url: 'http://mirror.test/oai',
      intervalMs: 0,
    });
  });

  it(
    'fails clearly on a 100 MB page, at the 64 MB cap',
    async () => {
      const big = await OaiReplayServer.start([
        (q) =>
          q.set === 'huge'
            ? {
                name: 'huge',
                headers: { 'content-type': 'text/xml' },
                body: (res) => {
                  res.write(
                    recording('arXivRaw_mikesaelim-2015/ListRecordsResponse.xml').split('<record>')[0]!,
                  );
                  const chunk = Buffer.alloc(1024 * 1024, 32);
                  let sent = 0;
                  const pump = () => {
                    while (sent < 100 && res.write(chunk)) sent++;
                    if (sent < 100) res.once('drain', pump);
                    else res.end('</ListRecords></OAI-PMH>');
                  };
                  res.on('close', () => (sent = 100));
                  pump();
                },
              }
            : null,
      ]);
      try {
        const { env } = dataDir();
        const run = await paperboy(['ingest', 'oai', '--set', 'huge', '--from', '2024-10-01'], {
          ...env,
          ARXIV_OAI_URL: big.url,
        }).done;
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(
          /paperboy: ingest oai: arXiv OAI-PMH: response body larger than 67108864 bytes/,
        );
      } finally {
        await big.close();
      }
    },
    SLOW,
  );
});
