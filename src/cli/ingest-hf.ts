// `paperboy ingest hf FILE|URL`: one Hugging Face daily-papers list (/api/daily_papers JSON) into the
// database: papers, the day's listing with upvotes and submitters, code links. Rerunning it updates
// the counts in place. Prints a summary line and one line per skipped item; exits non-zero when the
// source cannot be read or holds no usable item.
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import type { HfImportResult } from '../ingest/hf-daily.ts';
import { hfHttpClient, importHfDaily, loadHfSource } from '../ingest/hf-daily.ts';
import { createContainer } from '../main/container.ts';

export function registerHfCommand(ingest: Command): void {
  ingest
    .command('hf')
    .description('import a Hugging Face daily-papers list (/api/daily_papers JSON) from a file or URL')
    .argument(
      '<source>',
      'a JSON file, or a URL such as https://huggingface.co/api/daily_papers?date=2024-10-25',
    )
    .action(async (source: string) => {
      const config = loadConfig(process.env);
      // Read the source before opening the database: a failed download leaves nothing behind.
      const text = await loadHfSource(source, hfHttpClient({ userAgent: config.ingestUserAgent }));
      const container = await createContainer(config);
      try {
        const result = await importHfDaily(text, source, {
          handle: container.database,
          sink: container.sink,
        });
        for (const line of describeHfImport(result)) console.log(line);
      } finally {
        await container.close();
      }
    });
}

/** One line for the import, then one per skipped item. */
export function describeHfImport(r: HfImportResult): string[] {
  const { inserted, updated, unchanged, listed } = r.stored;
  const days = r.days.length > 0 ? ` listed on ${r.days.join(', ')}` : '';
  const lines = [
    `Hugging Face daily papers from ${r.source}: ${r.total} items${days}: inserted ${inserted}, ` +
      `updated ${updated}, unchanged ${unchanged}, skipped ${r.skipped.length}; ${listed} newly listed; ` +
      `submitters: ${r.submitters.users} users (${r.submitters.created} new).`,
  ];
  for (const s of r.skipped) lines.push(`  skipped item ${s.index}${s.id ? ` (${s.id})` : ''}: ${s.reason}`);
  for (const h of r.submitters.unresolved) {
    lines.push(`  submitter ${h} not linked: its placeholder e-mail is taken by another user`);
  }
  return lines;
}
