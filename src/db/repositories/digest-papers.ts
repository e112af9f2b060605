// The papers a topic alert looks at: those listed (entered the daily list) in a range of days.
// A paper is listed once, so each paper is "new" for exactly one day.
import type { DatabaseHandle } from '../database.ts';

export class DigestPaperQueries {
  constructor(private readonly handle: DatabaseHandle) {}

  async listedIdsBetween(start: string, end: string): Promise<string[]> {
    const rows = await this.handle.db
      .selectFrom('listings')
      .innerJoin('papers', 'papers.id', 'listings.paperId')
      .select('papers.id')
      .where('listings.day', '>=', start)
      .where('listings.day', '<=', end)
      .where('papers.hiddenAt', 'is', null)
      .orderBy('papers.id')
      .execute();
    return rows.map((r) => r.id);
  }
}
