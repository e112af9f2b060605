// `paperboy ingest pwc FILE`: Papers with Code paper→code links (paper_repo_info.csv, or PwC's
// links-between-papers-and-code.json[.gz]) onto papers already in the database. Prints matched,
// unknown and skipped counts; exits non-zero when the file cannot be read or has the wrong shape.
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import type { PwcImportResult } from '../ingest/pwc-links.ts';
import { importPwcLinks, loadPwcFile } from '../ingest/pwc-links.ts';
import { createContainer } from '../main/container.ts';

export function registerPwcCommand(ingest: Command): void {
  ingest
    .command('pwc')
    .description('set code links and GitHub stars from a Papers with Code links dump (CSV or JSON)')
    .argument('<file>', 'paper_repo_info.csv, or links-between-papers-and-code.json (optionally .gz)')
    .action(async (file: string) => {
      const config = loadConfig(process.env);
      const parsed = await loadPwcFile(file);
      const container = await createContainer(config);
      try {
        const result = await importPwcLinks(parsed, file, { handle: container.database });
        for (const line of describePwcImport(result)) console.log(line);
      } finally {
        await container.close();
      }
    });
}

/** The counts, the skipped rows by reason, and the first skipped rows (a full dump skips many). */
export function describePwcImport(r: PwcImportResult, maxSkipLines = 20): string[] {
  const lines = [
    `Papers with Code links from ${r.source}: ${r.rows} rows for ${r.papers} papers: matched ${r.matched} ` +
      `(updated ${r.updated}, unchanged ${r.unchanged}, kept their own link ${r.kept}), unknown ${r.unknown}, ` +
      `skipped ${r.skipped.length} rows.`,
  ];
  const reasons = new Map<string, number>();
  for (const s of r.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  if (reasons.size > 0) {
    const byCount = [...reasons].sort((a, b) => b[1] - a[1]);
    lines.push(`  skipped: ${byCount.map(([reason, n]) => `${n} × ${reason}`).join('; ')}`);
  }
  const listed = r.skipped.slice(0, maxSkipLines);
  for (const s of listed) lines.push(`  skipped row ${s.at}: ${s.reason}`);
  if (r.skipped.length > listed.length)
    lines.push(`  … and ${r.skipped.length - listed.length} more skipped rows`);
  return lines;
}
