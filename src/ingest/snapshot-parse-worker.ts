// Worker thread of the snapshot import: reads and parses batches (JSON, accents, whitespace, dates)
// while the main thread writes the previous ones, so the two halves of the work use two cores.
// Flow control by credits: the main thread grants one per batch it can take, so at most
// `ahead` parsed batches wait in memory.
import { parentPort, workerData } from 'node:worker_threads';
import type { LineBatch, LinePosition, ReadOptions } from './snapshot-lines.ts';
import { readSnapshotBatches } from './snapshot-lines.ts';

export interface ParseWorkerData {
  file: string;
  start: LinePosition;
  options: ReadOptions;
  ahead: number;
}

export type ParseWorkerMessage =
  { type: 'batch'; batch: LineBatch } | { type: 'end' } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const data = workerData as ParseWorkerData;
  const batches = readSnapshotBatches(data.file, data.start, data.options);
  let credits = data.ahead;
  let finished = false;
  const pump = () => {
    try {
      while (credits > 0 && !finished) {
        const next = batches.next();
        if (next.done) {
          finished = true;
          port.postMessage({ type: 'end' } satisfies ParseWorkerMessage);
          return;
        }
        credits -= 1;
        port.postMessage({ type: 'batch', batch: next.value } satisfies ParseWorkerMessage);
      }
    } catch (err) {
      finished = true;
      port.postMessage({ type: 'error', message: (err as Error).message } satisfies ParseWorkerMessage);
    }
  };
  port.on('message', () => {
    credits += 1;
    pump();
  });
  pump();
}
