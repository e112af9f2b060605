// Loads demo data into an empty database. A database that already has papers is never touched.
import { demoSlots, plausibleUpvotes, seededRandom } from '../domain/demo-plan.ts';
import { addDays, formatDay } from '../domain/periods.ts';
import type { ListingRepository, NewListing } from '../db/repositories/listing-repository.ts';
import type { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { DemoPaper } from '../ingest/demo-data.ts';

export interface SeedResult {
  seeded: boolean;
  /** Papers in the database before seeding (untouched when > 0). */
  existing: number;
  papers: number;
  days: number;
}

export const DEMO_DAYS = 30;
const DEMO_SEED = 20_241_025;
const BATCH = 250;

export class SeedService {
  constructor(
    private readonly papers: PaperRepository,
    private readonly listings: ListingRepository,
    private readonly loadDemoPapers: () => DemoPaper[],
    private readonly search: { indexPapers(ids: string[]): Promise<void> },
  ) {}

  async seedDemo(now: Date = new Date()): Promise<SeedResult> {
    const existing = await this.papers.count();
    if (existing > 0) return { seeded: false, existing, papers: 0, days: 0 };
    const random = seededRandom(DEMO_SEED);
    const all = this.loadDemoPapers();
    const featured = all.filter((p) => p.featured);
    const rest = shuffle(
      all.filter((p) => !p.featured),
      random,
    );
    const today = formatDay(now.getTime());
    const slots = [
      ...demoSlots(featured.length, today, 1, now, random),
      // The featured papers make up the newest day on their own, as on the real HF list they come from.
      ...demoSlots(rest.length, addDays(today, -1), DEMO_DAYS - 1, now, random),
    ];
    const ordered = [...featured, ...rest];
    const stamp = now.toISOString();
    for (let i = 0; i < ordered.length; i += BATCH) {
      const batch = ordered.slice(i, i + BATCH).map((p) => ({
        record: p.record,
        extras: { ...p.extras, importedUpvotes: p.extras.importedUpvotes ?? plausibleUpvotes(random) },
      }));
      await this.papers.upsertMany(batch, stamp);
    }
    const listings: NewListing[] = ordered.map((p, i) => ({ paperId: p.record.arxivId, ...slots[i]! }));
    await this.listings.addMany(listings);
    await this.search.indexPapers(ordered.map((p) => p.record.arxivId));
    return { seeded: true, existing: 0, papers: ordered.length, days: new Set(slots.map((s) => s.day)).size };
  }
}

/** Fisher–Yates with the given random source. */
function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
