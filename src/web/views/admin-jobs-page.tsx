// /admin/jobs: the job queue for administrators: recent jobs (kind, state, tries, times, what the
// run reported or why it failed), the schedules' next runs, and a form to run a job now.
import type { JobView, ScheduleView } from '../../services/job-admin-service.ts';
import { AdminFrame } from './admin-frame.tsx';
import { CsrfField } from './csrf-field.tsx';

export interface AdminJobsProps {
  jobs: JobView[];
  schedules: ScheduleView[];
  runnableKinds: readonly string[];
  notice: string | null;
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '';
}

/** "sent 12 · empty 3": a report's counts, without its status and reason (shown apart). */
function counts(report: Record<string, unknown>): string {
  return Object.entries(report)
    .filter(([key, value]) => key !== 'status' && key !== 'reason' && typeof value === 'number')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(' · ');
}

function Outcome({ job }: { job: JobView }) {
  const report = job.report;
  const status = typeof report?.status === 'string' ? report.status : null;
  const reason = typeof report?.reason === 'string' ? report.reason : null;
  return (
    <>
      {status ? <span class="muted">{status}</span> : null}
      {report && counts(report) ? (
        <span>
          {status ? ' · ' : ''}
          {counts(report)}
        </span>
      ) : null}
      {reason ? <div class="muted">{reason}</div> : null}
      {job.lastError && job.lastError !== reason ? <div>error: {job.lastError}</div> : null}
      {job.nextTryAt ? <div class="muted">next try {when(job.nextTryAt)}</div> : null}
    </>
  );
}

export function AdminJobsPage(props: AdminJobsProps) {
  return (
    <AdminFrame title="Jobs" current="jobs">
      <div class="admin-jobs">
        <h2>Jobs</h2>
        <p class="muted">
          Background jobs run on the workers (<code>paperboy worker</code>, or <code>paperboy serve</code>{' '}
          without <code>--no-jobs</code>). A failed run is tried again later; a job whose worker stopped
          answering is taken over by another.
        </p>
        {props.notice ? (
          <p class="form-notice" role="status">
            {props.notice}
          </p>
        ) : null}

        <form class="admin-filter" method="post" action="/admin/jobs/run" aria-label="Run a job now">
          <CsrfField />
          <label for="job-kind">Job</label>
          <select id="job-kind" name="kind" class="text-input">
            {props.runnableKinds.map((kind) => (
              <option value={kind}>{kind}</option>
            ))}
          </select>
          <button class="btn" type="submit">
            Run now
          </button>
        </form>

        <section aria-labelledby="schedules-heading">
          <h3 id="schedules-heading">Schedules</h3>
          {props.schedules.length === 0 ? (
            <p class="muted">No schedule has run yet: no worker has started.</p>
          ) : (
            <div class="table-scroll">
              <table class="admin-table">
                <caption class="visually-hidden">Schedules with their next and last runs</caption>
                <thead>
                  <tr>
                    <th scope="col">Schedule</th>
                    <th scope="col">Next run</th>
                    <th scope="col">Last run</th>
                  </tr>
                </thead>
                <tbody>
                  {props.schedules.map((s) => (
                    <tr>
                      <td>{s.name}</td>
                      <td>{when(s.nextRunAt)}</td>
                      <td>{when(s.lastRunAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="jobs-heading">
          <h3 id="jobs-heading">Recent jobs</h3>
          {props.jobs.length === 0 ? (
            <p class="muted">No jobs yet.</p>
          ) : (
            <div class="table-scroll">
              <table class="admin-table">
                <caption class="visually-hidden">Jobs, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Job</th>
                    <th scope="col">State</th>
                    <th scope="col">Tries</th>
                    <th scope="col">Created</th>
                    <th scope="col">Finished</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {props.jobs.map((job) => (
                    <tr id={`job-${job.id}`}>
                      <td>{job.id}</td>
                      <td>{job.kind}</td>
                      <td>
                        <span class={`job-state job-${job.state}`}>{job.state}</span>
                      </td>
                      <td>
                        {job.attempts}/{job.maxAttempts}
                      </td>
                      <td>{when(job.createdAt)}</td>
                      <td>{when(job.finishedAt)}</td>
                      <td>
                        <Outcome job={job} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </AdminFrame>
  );
}
