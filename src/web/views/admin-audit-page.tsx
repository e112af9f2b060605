// /admin/audit (admins): every moderation action, newest first, filterable by action.
import type { AuditRecord } from '../../db/repositories/audit-repository.ts';
import { paperPath, profilePath } from '../paths.ts';
import { absoluteTime } from '../relative-time.ts';
import { AdminFrame } from './admin-frame.tsx';
import { QueryPager } from './paged-list.tsx';

export interface AdminAuditPageProps {
  entries: AuditRecord[];
  actions: string[];
  action: string | null;
  page: number;
  hasMore: boolean;
}

export function AdminAuditPage({ entries, actions, action, page, hasMore }: AdminAuditPageProps) {
  return (
    <AdminFrame title="Audit log" current="audit">
      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit log</h2>
        <form class="admin-filter" method="get" action="/admin/audit">
          <label for="audit-action">Action</label>
          <select id="audit-action" name="action" class="text-input">
            <option value="">All actions</option>
            {actions.map((a) => (
              <option value={a} selected={a === action}>
                {a}
              </option>
            ))}
          </select>
          <button class="btn" type="submit">
            Filter
          </button>
        </form>
        {entries.length === 0 ? (
          <p class="empty-state">No actions{action ? ` of type ${action}` : ''} yet.</p>
        ) : (
          <div class="table-scroll">
            <table class="admin-table">
              <caption class="visually-hidden">Moderation actions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Reason and details</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr>
                    <td>
                      <time dateTime={e.createdAt}>{absoluteTime(e.createdAt)}</time>
                    </td>
                    <td>
                      {e.actor ? (
                        <a href={profilePath(e.actor.handle)}>
                          <bdi>{e.actor.displayName}</bdi>
                        </a>
                      ) : (
                        'deleted account'
                      )}
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      <Target entry={e} />
                    </td>
                    <td>
                      {e.reason ? <p class="audit-reason">{e.reason}</p> : null}
                      {e.details ? <Details details={e.details} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <QueryPager path="/admin/audit" params={{ action }} page={page} hasMore={hasMore} moreLabel="Older" />
      </section>
    </AdminFrame>
  );
}

function Target({ entry }: { entry: AuditRecord }) {
  const details = entry.details ?? {};
  if (entry.targetType === 'paper') return <a href={paperPath(entry.targetId)}>paper {entry.targetId}</a>;
  if (entry.targetType === 'user' && typeof details.handle === 'string') {
    return <a href={profilePath(details.handle)}>@{details.handle}</a>;
  }
  if (entry.targetType === 'comment' && typeof details.paperId === 'string') {
    return <a href={`${paperPath(details.paperId)}#comment-${entry.targetId}`}>comment {entry.targetId}</a>;
  }
  return (
    <>
      {entry.targetType} {entry.targetId}
    </>
  );
}

/** The details JSON as a short list; long texts (a hidden comment) are cut and shown as text. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  return (
    <dl class="audit-details">
      {entries.map(([key, value]) => (
        <>
          <dt>{key}</dt>
          <dd>{shorten(typeof value === 'string' ? value : JSON.stringify(value))}</dd>
        </>
      ))}
    </dl>
  );
}

function shorten(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
