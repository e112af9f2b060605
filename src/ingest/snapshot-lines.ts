// Reads a snapshot file (JSON lines) from a byte offset in batches of parsed records, in constant
// memory: one read buffer, the current batch, and at most one line carried between reads. Every
// batch says the byte offset just after its last line, which is what a checkpoint stores, so a
// resumed import starts exactly at the first line that was not committed.
import fs from 'node:fs';
import type { PaperRecord } from '../domain/paper.ts';
import { parseSnapshotLine } from './snapshot-record.ts';

/** Where reading starts: a byte offset at the start of a line, and that line's number minus one. */
export interface LinePosition {
  offset: number;
  line: number;
}

export interface BadLine {
  /** 1-based line number in the file. */
  line: number;
  /** The record's id when it had a readable one. */
  id: string | null;
  reason: string;
}

export interface LineBatch {
  records: PaperRecord[];
  bad: BadLine[];
  /** Just after the batch's last line: where the next batch starts. */
  end: LinePosition;
}

export interface ReadOptions {
  /** Lines with something on them per batch (records and bad lines). */
  batchSize: number;
  /** Longer lines are skipped without being held in memory. Real records are < 1 MiB. */
  maxLineBytes?: number;
  /** Bytes per read. */
  readBytes?: number;
}

const NEWLINE = 0x0a;
const DEFAULT_MAX_LINE = 8 * 2 ** 20;

/** Batches of parsed records from `start` to the end of the file; a last line without "\n" counts. */
export function* readSnapshotBatches(
  file: string,
  start: LinePosition,
  options: ReadOptions,
): Generator<LineBatch> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const buffer = Buffer.allocUnsafe(Math.max(options.readBytes ?? 4 * 2 ** 20, 1024));
  const fd = fs.openSync(file, 'r');
  try {
    let position = start.offset; // file offset of buffer[0]
    let line = start.line;
    let batch: LineBatch = { records: [], bad: [], end: { ...start } };
    let yielded = start.offset;
    let carry: Buffer | null = null; // start of a line that continues in the next read
    let overlong = false; // skipping the rest of a line that is too long
    const take = (text: string, endOffset: number) => {
      line += 1;
      batch.end = { offset: endOffset, line };
      if (text.trim() === '') return;
      const parsed = parseSnapshotLine(text);
      if (parsed.ok) batch.records.push(parsed.record);
      else batch.bad.push({ line, id: parsed.id, reason: parsed.reason });
    };
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      let from = 0;
      while (from < read) {
        const nl = buffer.indexOf(NEWLINE, from);
        const stop = nl === -1 || nl >= read ? read : nl;
        const piece = buffer.subarray(from, stop);
        if (overlong) {
          // Drop the bytes; the line was reported when it crossed the limit.
        } else if ((carry?.length ?? 0) + piece.length > maxLine) {
          overlong = true;
          carry = null;
        } else if (stop === read) {
          carry = carry ? Buffer.concat([carry, piece]) : Buffer.from(piece);
        } else {
          const text = carry ? Buffer.concat([carry, piece]).toString('utf8') : piece.toString('utf8');
          carry = null;
          take(text, position + stop + 1);
        }
        if (stop < read) {
          if (overlong) {
            line += 1;
            batch.end = { offset: position + stop + 1, line };
            batch.bad.push({ line, id: null, reason: `line longer than ${maxLine} bytes` });
            overlong = false;
          }
          if (batch.records.length + batch.bad.length >= options.batchSize) {
            yielded = batch.end.offset;
            yield batch;
            batch = { records: [], bad: [], end: { ...batch.end } };
          }
        }
        from = stop + 1;
      }
      position += read;
    }
    // A last line without a newline (a file cut short, say) is still a line.
    if (overlong) {
      line += 1;
      batch.end = { offset: position, line };
      batch.bad.push({ line, id: null, reason: `line longer than ${maxLine} bytes` });
    } else if (carry) {
      take(carry.toString('utf8'), position);
    }
    if (batch.end.offset !== yielded) yield batch;
  } finally {
    fs.closeSync(fd);
  }
}
