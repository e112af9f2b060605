// `paperboy digest send [--dry-run] [--to EMAIL] [--date YYYY-MM-DD]`: sends the digests and topic
// alerts that are due now (or those of a chosen day) by hand, exactly as the server's schedule
// does; a dry run prints what would be sent and writes nothing. A killed run is simply run again:
// nothing already sent is sent twice (see jobs/digest-job.ts).
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { normalizeEmail } from '../domain/account-rules.ts';
import { parseDay } from '../domain/periods.ts';
import type { DigestReport } from '../jobs/digest-job.ts';
import { createContainer } from '../main/container.ts';

interface SendOptions {
  dryRun?: boolean;
  to?: string;
  date?: string;
}

export function registerDigestCommand(program: Command): void {
  const digest = program.command('digest').description('email digests and topic alerts');
  digest
    .command('send')
    .description('send the digests and alerts that are due (or those of --date); a rerun never sends twice')
    .option('--dry-run', 'print recipients, subjects and paper counts; send and write nothing')
    .option('--to <email>', 'only the subscriptions of this address')
    .option('--date <YYYY-MM-DD>', 'the digest day (weekly: its ISO week) instead of the latest due one')
    .action(async (options: SendOptions) => {
      if (options.date !== undefined && parseDay(options.date) === null) {
        throw new Error(`--date ${JSON.stringify(options.date)} is not a day (YYYY-MM-DD)`);
      }
      const to = options.to === undefined ? undefined : normalizeEmail(options.to);
      const container = await createContainer(loadConfig(process.env));
      try {
        const report = await container.email.digestJob.run({
          dryRun: options.dryRun === true,
          to,
          day: options.date,
        });
        for (const line of describeDigestRun(report, options.dryRun === true, container.mail.description)) {
          console.log(line);
        }
        if (report.status === 'skipped') process.exitCode = 3;
        else if (report.failed > 0 || report.deferred > 0) process.exitCode = 1;
      } finally {
        await container.close();
      }
    });
}

export function describeDigestRun(report: DigestReport, dryRun: boolean, transport: string): string[] {
  if (report.status === 'skipped') return [`Nothing sent: ${report.reason ?? 'skipped'}.`];
  const lines = report.planned.map(
    (p) =>
      `${dryRun ? 'would send' : 'sent'}${p.resend ? ' again' : ''}  ${p.to}  ${p.subject}  (${p.papers} ${p.papers === 1 ? 'paper' : 'papers'}, ${p.digestKey})`,
  );
  if (dryRun) {
    lines.push(
      `Dry run: ${report.planned.length} ${report.planned.length === 1 ? 'message' : 'messages'} would go through ${transport}; ${report.empty} empty digests would be skipped. Nothing was written.`,
    );
  } else {
    lines.push(
      `Sent ${report.sent} through ${transport} (${report.resent} resent after an interrupted run); ` +
        `${report.empty} empty digests skipped; ${report.deferred} deferred; ${report.failed} failed; ${report.paused} subscribers paused.`,
    );
  }
  return lines;
}
