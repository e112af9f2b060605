// How `paperboy serve` sends digests: every DIGEST_CHECK_MINUTES it runs the digest job, which
// sends what has become due since (each subscriber at their own hour and zone) and resends what an
// interrupted run left pending. A run finds nothing to do most of the time; that costs one query.
import type { DigestJob, DigestReport } from './digest-job.ts';
import type { ScheduleLog } from './embedding-schedule.ts';
import { PeriodicJob } from './scheduler.ts';

export function scheduleDigests(
  job: DigestJob,
  log: ScheduleLog,
  intervalMs: number,
): PeriodicJob<DigestReport> {
  return new PeriodicJob<DigestReport>({
    name: 'digests',
    intervalMs,
    run: (signal) => job.run({ signal }),
    onReport: (report, elapsedMs) => {
      const { planned: _planned, ...counts } = report;
      const details = { ...counts, ms: Math.round(elapsedMs) };
      if (report.status !== 'success') log.warn(details, `digest run ${report.status}: ${report.reason}`);
      else if (report.sent + report.failed + report.deferred > 0) log.info(details, 'sent digests');
      else log.debug(details, 'no digests due');
    },
    onError: (err) => log.error({ err }, 'the digest job crashed; it runs again at the next interval'),
  });
}
