// `paperboy ingest pwc` as a real child process, registered the way src/cli/main.ts wires it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createContainer } from '../main/container.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PWC = path.resolve(ROOT, '../shared/data/pwc');
const ENTRY = `
import { Command } from 'commander';
import { registerPwcCommand } from ${JSON.stringify(path.join(ROOT, 'src/cli/ingest-pwc.ts'))};
const program = new Command('paperboy');
registerPwcCommand(program.command('ingest'));
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  console.error('paperboy: ' + (err instanceof Error ? err.message : String(err)));
  process.exit(1);
}
`;

function cli(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PAPERBOY_DATA_DIR: dataDir };
  for (const name of ['BASE_URL', 'PORT', 'HOST', 'DATABASE_URL', 'LOG_LEVEL', 'PAPERBOY_DEMO'])
    delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('paperboy ingest pwc', () => {
  it('sets code links on known papers and prints matched, unknown and skipped counts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pwc-cli-'));
    dirs.push(dir);
    const container = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dir }));
    await container.sink.store(
      ['1708.02002', 'quant-ph/0406196'].map((id) => ({
        record: {
          arxivId: id,
          title: `Paper ${id}`,
          abstract: 'An abstract.',
          authors: ['A. Author'],
          categories: ['cs.CV'],
          versions: [{ version: 1, submittedAt: '2017-08-07T00:00:00.000Z', size: null }],
          comments: null,
          journalRef: null,
          doi: null,
          reportNo: null,
          license: null,
        },
        extras: { source: 'arxiv' },
      })),
    );
    await container.close();

    const file = path.join(PWC, 'paper_repo_info.csv');
    const r = await cli(['ingest', 'pwc', file], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `Papers with Code links from ${file}: 2298 rows for 2066 papers: matched 2 (updated 2, unchanged 0, ` +
        'kept their own link 0), unknown 2064, skipped 135 rows.',
    );
    expect(lines[1]).toBe(
      '  skipped: 133 × no arXiv id; 1 × repeated header; 1 × 25 fields where the header has 13',
    );
    expect(lines).toContain('  skipped row 887: repeated header');
    expect(lines.at(-1)).toBe('  … and 115 more skipped rows');

    const after = await createContainer(loadConfig({ PAPERBOY_DATA_DIR: dir }));
    try {
      expect((await after.papers.get('1708.02002')).codeUrl).toBe('https://github.com/unsky/focal-loss');
    } finally {
      await after.close();
    }
  });

  it('exits 1 naming the file when it has the wrong shape', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pwc-cli-'));
    dirs.push(dir);
    const r = await cli(['ingest', 'pwc', path.join(PWC, 'papers_data.csv')], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^paperboy: Papers with Code links \(.*papers_data\.csv\): this is the PwC trending scrape/,
    );
    expect(fs.existsSync(path.join(dir, 'paperboy.db'))).toBe(false);
  });
});
