// Reading the snapshot in batches from byte offsets, on the real records with line breaks falling
// anywhere in the read buffer, and on what real files go wrong with: CRLF, blank lines, a last line
// cut short, a line far too long.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LineBatch, LinePosition } from './snapshot-lines.ts';
import { readSnapshotBatches } from './snapshot-lines.ts';

const REAL = path.resolve(
  import.meta.dirname,
  '../../../shared/data/arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl',
);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function write(content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-lines-'));
  dirs.push(dir);
  const file = path.join(dir, 'snapshot.jsonl');
  fs.writeFileSync(file, content);
  return file;
}

function readAll(file: string, start: LinePosition, batchSize: number, readBytes?: number): LineBatch[] {
  return [...readSnapshotBatches(file, start, { batchSize, readBytes })];
}

const ids = (batches: LineBatch[]) => batches.flatMap((b) => b.records.map((r) => r.arxivId));

describe('readSnapshotBatches', () => {
  it('reads the 200 real records in batches whose ends are the byte offsets of line starts', () => {
    const bytes = fs.readFileSync(REAL);
    const batches = readAll(REAL, { offset: 0, line: 0 }, 64, 1000);
    expect(batches.map((b) => b.records.length)).toEqual([64, 64, 64, 8]);
    expect(ids(batches)[0]).toBe('0704.0001');
    expect(ids(batches)[199]).toBe('0704.0200');
    for (const b of batches.slice(0, -1)) expect(bytes[b.end.offset - 1]).toBe(0x0a);
    expect(batches.at(-1)!.end).toEqual({ offset: bytes.length, line: 200 });
    // Starting at a batch's end reads exactly the rest.
    const rest = readAll(REAL, batches[1]!.end, 1000, 777);
    expect(ids(rest)).toEqual(ids(batches).slice(128));
    expect(rest.at(-1)!.end.line).toBe(200);
  });

  it('gives the same records whatever the read size (multi-byte characters split across reads)', () => {
    const whole = ids(readAll(REAL, { offset: 0, line: 0 }, 500));
    const authors = readAll(REAL, { offset: 0, line: 0 }, 500)[0]!.records.map((r) => r.authors);
    for (const readBytes of [1024, 4093, 65536]) {
      const batches = readAll(REAL, { offset: 0, line: 0 }, 500, readBytes);
      expect(ids(batches)).toEqual(whole);
      expect(batches[0]!.records.map((r) => r.authors)).toEqual(authors);
    }
    expect(authors[0]).toContain('C. Balázs');
  });

  it('reports bad lines by number, skips blank ones, accepts CRLF and a last line without newline', () => {
    const real = fs.readFileSync(REAL, 'utf8').split('\n').slice(0, 4);
    const content = [
      real[0],
      '',
      '{"id": "0704.0002", "title": ', // truncated
      `${real[1]}\r`,
      '   ',
      'not json at all',
      real[2],
      real[3]!.slice(0, 200), // cut short at the end of the file, no newline
    ].join('\n');
    const batches = readAll(write(content), { offset: 0, line: 0 }, 100, 64);
    expect(ids(batches)).toEqual(['0704.0001', '0704.0002', '0704.0003']);
    const bad = batches.flatMap((b) => b.bad);
    expect(bad.map((b) => b.line)).toEqual([3, 6, 8]);
    expect(bad.every((b) => b.reason.startsWith('malformed JSON'))).toBe(true);
    expect(batches.at(-1)!.end).toEqual({ offset: Buffer.byteLength(content), line: 8 });
  });

  it('skips a line longer than the limit without holding it, and goes on after it', () => {
    const real = fs.readFileSync(REAL, 'utf8').split('\n');
    const huge = JSON.stringify({ ...JSON.parse(real[2]!), comments: 'x'.repeat(300_000) });
    const file = write([real[0], huge, real[1], ''].join('\n'));
    const batches = readAll(file, { offset: 0, line: 0 }, 10, 4096);
    expect(ids(batches)).toEqual(['0704.0001', '0704.0003', '0704.0002']);
    expect(batches[0]!.records[1]!.comments).toHaveLength(300_000);
    const limited = [
      ...readSnapshotBatches(
        file,
        { offset: 0, line: 0 },
        { batchSize: 10, maxLineBytes: 100_000, readBytes: 4096 },
      ),
    ];
    expect(ids(limited)).toEqual(['0704.0001', '0704.0002']);
    expect(limited.flatMap((b) => b.bad)).toEqual([
      { line: 2, id: null, reason: 'line longer than 100000 bytes' },
    ]);
  });

  it('yields batches of bad lines too, so a file of garbage is not held whole', () => {
    const file = write('garbage\n'.repeat(250));
    const batches = readAll(file, { offset: 0, line: 0 }, 100, 512);
    expect(batches.map((b) => b.bad.length)).toEqual([100, 100, 50]);
  });

  it('yields nothing from the end of the file', () => {
    const size = fs.statSync(REAL).size;
    expect(readAll(REAL, { offset: size, line: 200 }, 10)).toEqual([]);
  });
});
