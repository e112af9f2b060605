// /admin: the moderators' queue of reported comments, each shown in context (its paper and the
// comment it answers) with the reports and the actions: hide, dismiss, ban the author. Below it,
// the hidden papers, each with an unhide form.
import { decodeReport, reportReasonLabel } from '../../domain/comment-rules.ts';
import type { StoredComment } from '../../domain/comment-thread.ts';
import type { ModeratedPaper } from '../../db/repositories/moderation-repository.ts';
import type { ReportedComment } from '../../services/moderation-service.ts';
import { plural } from '../format.ts';
import { renderCommentMarkdown } from '../markdown.ts';
import { paperPath, profilePath } from '../paths.ts';
import { absoluteTime } from '../relative-time.ts';
import { renderMathText } from '../render-math.ts';
import { AdminFrame, ReasonField } from './admin-frame.tsx';
import { CsrfField } from './csrf-field.tsx';
import { QueryPager } from './paged-list.tsx';

export interface AdminReportsPageProps {
  items: ReportedComment[];
  total: number;
  page: number;
  pageSize: number;
  hiddenPapers: ModeratedPaper[];
}

export function AdminReportsPage({ items, total, page, pageSize, hiddenPapers }: AdminReportsPageProps) {
  return (
    <AdminFrame title="Reports" current="reports">
      <section aria-labelledby="reports-heading">
        <h2 id="reports-heading">
          Reported comments{' '}
          <span class="discussion-count">{plural(total, 'comment', 'comments')} with open reports</span>
        </h2>
        {items.length === 0 ? <p class="empty-state">No open reports. Nothing to do.</p> : null}
        <ol class="report-queue">
          {items.map((item) => (
            <ReportItem item={item} />
          ))}
        </ol>
        <QueryPager
          path="/admin"
          params={{}}
          page={page}
          hasMore={(page + 1) * pageSize < total}
          moreLabel="More reports"
        />
      </section>
      <section aria-labelledby="hidden-papers-heading">
        <h2 id="hidden-papers-heading">Hidden papers</h2>
        {hiddenPapers.length === 0 ? <p class="empty-state">No paper is hidden.</p> : null}
        <ul class="hidden-papers">
          {hiddenPapers.map((p) => (
            <li>
              <a href={paperPath(p.id)} dangerouslySetInnerHTML={{ __html: renderMathText(p.title) }} />{' '}
              <span class="field-help">hidden {absoluteTime(p.hiddenAt!)}</span>
              <form class="inline-form" method="post" action="/admin/papers/unhide">
                <CsrfField />
                <input type="hidden" name="paper" value={p.id} />
                <input type="hidden" name="next" value="/admin" />
                <button class="btn" type="submit">
                  Unhide
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </AdminFrame>
  );
}

function ReportItem({ item }: { item: ReportedComment }) {
  const { comment, paper, parent, reports } = item;
  const anchor = `${paperPath(paper.id)}#comment-${comment.id}`;
  return (
    <li class="report-item" id={`report-${comment.id}`}>
      <article aria-labelledby={`report-${comment.id}-heading`}>
        <h3 id={`report-${comment.id}-heading`} class="report-paper">
          On <a href={anchor} dangerouslySetInnerHTML={{ __html: renderMathText(paper.title) }} />
          {paper.hiddenAt ? <span class="comment-flag">paper hidden</span> : null}
        </h3>
        {parent ? <Quoted comment={parent} label="In reply to" /> : null}
        <Quoted comment={comment} label="Reported comment" />
        <ul class="report-reasons" aria-label="Reports">
          {reports.map((r) => {
            const { reason, note } = decodeReport(r.reason);
            return (
              <li>
                <strong>{reportReasonLabel(reason)}</strong> by{' '}
                <a href={profilePath(r.reporter.handle)}>
                  <bdi>{r.reporter.displayName}</bdi>
                </a>{' '}
                <time dateTime={r.createdAt}>{absoluteTime(r.createdAt)}</time>
                {note ? <blockquote class="report-note">{note}</blockquote> : null}
              </li>
            );
          })}
        </ul>
        <div class="report-actions">
          <form class="moderation-form" method="post" action={`/admin/comments/${comment.id}/hide`}>
            <CsrfField />
            <input type="hidden" name="next" value="/admin" />
            <ReasonField id={`hide-${comment.id}-reason`} />
            <button class="btn btn-primary" type="submit">
              {comment.hiddenAt ? 'Keep hidden, close reports' : 'Hide comment'}
            </button>
          </form>
          <form class="moderation-form" method="post" action={`/admin/comments/${comment.id}/dismiss`}>
            <CsrfField />
            <ReasonField id={`dismiss-${comment.id}-reason`} />
            <button class="btn" type="submit">
              Dismiss reports
            </button>
          </form>
          <details class="comment-action">
            <summary>Ban {comment.author.displayName}</summary>
            <form class="moderation-form" method="post" action={`/admin/users/${comment.author.id}/ban`}>
              <CsrfField />
              <input type="hidden" name="next" value="/admin" />
              <ReasonField id={`ban-${comment.id}-reason`} />
              <label class="choice">
                <input type="checkbox" name="hideComments" value="on" checked /> Also hide all their comments
              </label>
              <button class="btn" type="submit">
                Ban @{comment.author.handle}
              </button>
            </form>
          </details>
        </div>
      </article>
    </li>
  );
}

function Quoted({ comment, label }: { comment: StoredComment; label: string }) {
  return (
    <figure class={`report-comment${comment.hiddenAt ? ' comment-moderated' : ''}`}>
      <figcaption class="comment-meta">
        {label}:{' '}
        <a class="comment-author" href={profilePath(comment.author.handle)}>
          <bdi>{comment.author.displayName}</bdi>
        </a>{' '}
        <time dateTime={comment.createdAt}>{absoluteTime(comment.createdAt)}</time>
        {comment.deletedAt ? <span class="comment-flag">deleted by its author</span> : null}
        {comment.hiddenAt ? <span class="comment-flag">hidden</span> : null}
      </figcaption>
      <div
        class="comment-body"
        dir="auto"
        dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(comment.body) }}
      />
    </figure>
  );
}
