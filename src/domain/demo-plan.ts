// How the demo data is spread over recent days: deterministic for a given "today", so tests can pin
// it, and shaped like a real community (most papers get a few upvotes, a few get many).
import { addDays, dayToMs } from './periods.ts';

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same demo. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Heavy-tailed upvotes between 0 and about 180: the median paper gets a handful. */
export function plausibleUpvotes(random: () => number): number {
  return Math.max(0, Math.floor(2 ** (random() ** 2 * 7.5)) - 1);
}

export interface DemoSlot {
  day: string;
  listedAt: string;
}

/**
 * `count` listing slots over the `days` days that end on `today`, newest first, skipping Saturdays
 * (arXiv announces nothing on them). Listing times fall within the day but never after `now`.
 */
export function demoSlots(
  count: number,
  today: string,
  days: number,
  now: Date,
  random: () => number,
): DemoSlot[] {
  const calendar: string[] = [];
  for (let i = 0; calendar.length < days; i++) {
    const day = addDays(today, -i);
    if (new Date(dayToMs(day)).getUTCDay() !== 6) calendar.push(day);
  }
  const slots: DemoSlot[] = [];
  for (let i = 0; i < count; i++) {
    const day = calendar[Math.floor((i * calendar.length) / count)]!;
    const start = dayToMs(day);
    const end = Math.min(start + 86_400_000 - 1, now.getTime());
    const at = start + Math.floor(random() * Math.max(1, end - start));
    slots.push({ day, listedAt: new Date(at).toISOString() });
  }
  return slots;
}
