// One paper's metadata from the arXiv API, for community submissions: the record when arXiv has the
// paper, null when it does not, and an error (naming the source) when arXiv cannot be asked.
import { parseArxivId } from '../domain/arxiv-id.ts';
import type { PaperRecord } from '../domain/paper.ts';
import type { ArxivApiClient } from './arxiv-api-client.ts';
import { ArxivApiError } from './arxiv-api-client.ts';

export class ArxivPaperLookup {
  constructor(private readonly client: ArxivApiClient) {}

  /** `id` is a base id (no version): arXiv then answers with the newest version and its history. */
  async fetch(id: string): Promise<PaperRecord | null> {
    const base = parseArxivId(id)?.base;
    if (!base) throw new ArxivApiError(`not an arXiv id: ${id}`, null);
    const result = await this.client.lookup([base]);
    const entry = result.entries.find((e) => e.record.arxivId === base);
    if (entry) return entry.record;
    const skipped = result.skipped.find((s) => parseArxivId(s.id)?.base === base);
    if (skipped) throw new ArxivApiError(`the record of ${base} could not be read: ${skipped.reason}`, null);
    return null;
  }
}
