// The discussion on a paper page: the thread, and the forms to reply, edit, delete, report and (for
// moderators) hide. Every control is a plain form inside <details>, so all of it works without
// JavaScript; assets/comments.js only refreshes the relative times and focuses opened forms.
import type { ComponentChildren } from 'preact';
import { MAX_COMMENT_CHARS, MAX_REPORT_NOTE_CHARS, REPORT_REASONS } from '../../domain/comment-rules.ts';
import type { ThreadNode } from '../../domain/comment-thread.ts';
import { plural } from '../format.ts';
import { renderCommentMarkdown } from '../markdown.ts';
import { paperPath, profilePath } from '../paths.ts';
import { absoluteTime, relativeTime } from '../relative-time.ts';
import { isModerator, useViewer } from '../viewer-context.ts';
import type { Viewer } from '../viewer-context.ts';
import { CsrfField } from './csrf-field.tsx';

export interface CommentsSectionProps {
  paperId: string;
  /** Comments readers can see (papers.comment_count). */
  count: number;
  thread: ThreadNode[];
  /** When the page was rendered, for relative times. */
  now?: Date;
}

export function commentsPath(paperId: string): string {
  return `${paperPath(paperId)}/comments`;
}

export function CommentsSection({ paperId, count, thread, now = new Date() }: CommentsSectionProps) {
  const { viewer, currentPath } = useViewer();
  const reported = new URL(currentPath, 'http://x').searchParams.get('reported');
  return (
    <section class="discussion" id="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">
        Discussion <span class="discussion-count">{plural(count, 'comment')}</span>
      </h2>
      {reported ? (
        <p class="form-notice" role="status">
          Thank you: the moderators will look at the comment you reported.
        </p>
      ) : null}
      {thread.length > 0 ? (
        <ol class="comment-list">
          {thread.map((node) => (
            <CommentItem node={node} viewer={viewer} now={now} />
          ))}
        </ol>
      ) : (
        <p class="discussion-empty">No comments yet.</p>
      )}
      {viewer ? (
        <NewCommentForm paperId={paperId} />
      ) : (
        <p class="discussion-signin">
          <a href={`/signin?next=${encodeURIComponent(`${paperPath(paperId)}#comments`)}`}>Sign in</a> to join
          the discussion.
        </p>
      )}
      <script src="/assets/comments.js" defer></script>
    </section>
  );
}

function NewCommentForm({ paperId }: { paperId: string }) {
  return (
    <form class="comment-form comment-new" method="post" action={commentsPath(paperId)}>
      <CsrfField />
      <label for="new-comment">Add a comment</label>
      <CommentTextarea id="new-comment" value="" />
      <MarkdownHint id="new-comment-hint" />
      <button class="btn btn-primary" type="submit">
        Post comment
      </button>
    </form>
  );
}

export function CommentTextarea({ id, value, rows = 5 }: { id: string; value: string; rows?: number }) {
  return (
    <textarea
      id={id}
      class="text-input comment-input"
      name="comment"
      rows={rows}
      required
      maxLength={MAX_COMMENT_CHARS}
      aria-describedby={`${id}-hint`}
    >
      {value}
    </textarea>
  );
}

export function MarkdownHint({ id }: { id: string }) {
  return (
    <p class="field-help" id={id}>
      Markdown: *italic*, **bold**, `code`, [links](https://…), &gt; quotes, lists; math with $x^2$ and $$…$$.
      No images or HTML. Up to {MAX_COMMENT_CHARS.toLocaleString('en-US')} characters.
    </p>
  );
}

interface ItemProps {
  node: ThreadNode;
  viewer: Viewer | null;
  now: Date;
}

function CommentItem({ node, viewer, now }: ItemProps) {
  const classes = ['comment', `comment-${node.state}`, node.hiddenByModerator ? 'comment-moderated' : ''];
  return (
    <li class={classes.filter(Boolean).join(' ')} id={`comment-${node.id}`}>
      <article aria-label={label(node)}>
        <CommentMeta node={node} now={now} />
        {node.body !== null ? (
          <div
            class="comment-body"
            dir="auto"
            dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(node.body) }}
          />
        ) : (
          <p class="comment-placeholder">
            {node.state === 'deleted' ? '[deleted]' : '[hidden by a moderator]'}
          </p>
        )}
        {viewer ? <CommentActions node={node} viewer={viewer} /> : null}
      </article>
      {node.children.length > 0 ? (
        <ol class="comment-replies">
          {node.children.map((child) => (
            <CommentItem node={child} viewer={viewer} now={now} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

function label(node: ThreadNode): string {
  if (node.state === 'deleted') return 'Deleted comment';
  if (node.author === null) return 'Hidden comment';
  return `Comment by ${node.author.displayName}`;
}

function CommentMeta({ node, now }: { node: ThreadNode; now: Date }) {
  return (
    <p class="comment-meta">
      {node.author ? (
        <a class="comment-author" href={profilePath(node.author.handle)}>
          <bdi>{node.author.displayName}</bdi>
        </a>
      ) : null}
      <a class="comment-permalink" href={`#comment-${node.id}`}>
        <time dateTime={node.createdAt} title={absoluteTime(node.createdAt)} data-relative>
          {relativeTime(node.createdAt, now)}
        </time>
      </a>
      {node.edited && node.body !== null ? (
        <span class="comment-edited" title={`Edited ${absoluteTime(node.updatedAt)}`}>
          (edited)
        </span>
      ) : null}
      {node.hiddenByModerator && node.body !== null ? (
        <span class="comment-flag">Hidden from readers</span>
      ) : null}
    </p>
  );
}

function CommentActions({ node, viewer }: { node: ThreadNode; viewer: Viewer }) {
  const own = node.author?.id === viewer.id;
  const moderator = isModerator(viewer);
  const visible = node.body !== null;
  const canReply = node.state === 'visible' && (!node.hiddenByModerator || moderator);
  if (!canReply && !moderator) return null;
  return (
    <div class="comment-actions">
      {canReply ? (
        <ActionDisclosure about={label(node)} summary="Reply" id={`reply-${node.id}`}>
          <form class="comment-form" method="post" action={commentsPath(node.paperId)}>
            <CsrfField />
            <input type="hidden" name="parentId" value={String(node.id)} />
            <label for={`reply-${node.id}-text`}>Your reply</label>
            <CommentTextarea id={`reply-${node.id}-text`} value="" rows={4} />
            <MarkdownHint id={`reply-${node.id}-text-hint`} />
            <button class="btn btn-primary" type="submit">
              Post reply
            </button>
          </form>
        </ActionDisclosure>
      ) : null}
      {own && visible && !node.hiddenByModerator ? (
        <ActionDisclosure about={label(node)} summary="Edit" id={`edit-${node.id}`}>
          <form class="comment-form" method="post" action={`/comments/${node.id}/edit`}>
            <CsrfField />
            <label for={`edit-${node.id}-text`}>Edit your comment</label>
            <CommentTextarea id={`edit-${node.id}-text`} value={node.body ?? ''} rows={5} />
            <MarkdownHint id={`edit-${node.id}-text-hint`} />
            <button class="btn btn-primary" type="submit">
              Save changes
            </button>
          </form>
        </ActionDisclosure>
      ) : null}
      {own && visible ? (
        <ActionDisclosure about={label(node)} summary="Delete" id={`delete-${node.id}`}>
          <form class="comment-form" method="post" action={`/comments/${node.id}/delete`}>
            <CsrfField />
            <p>Delete this comment? Replies to it stay.</p>
            <button class="btn" type="submit">
              Delete comment
            </button>
          </form>
        </ActionDisclosure>
      ) : null}
      {!own && visible && !node.hiddenByModerator ? <ReportForm node={node} /> : null}
      {moderator && node.state !== 'deleted' ? <HideForm node={node} /> : null}
    </div>
  );
}

function ReportForm({ node }: { node: ThreadNode }) {
  const id = `report-${node.id}`;
  return (
    <ActionDisclosure about={label(node)} summary="Report" id={id}>
      <form class="comment-form" method="post" action={`/comments/${node.id}/report`}>
        <CsrfField />
        <fieldset>
          <legend>Why should the moderators look at this comment?</legend>
          {REPORT_REASONS.map((r, i) => (
            <label class="choice">
              <input type="radio" name="reason" value={r.code} required checked={i === 0} /> {r.label}
            </label>
          ))}
        </fieldset>
        <label for={`${id}-note`}>Anything else (optional)</label>
        <textarea
          id={`${id}-note`}
          class="text-input"
          name="note"
          rows={2}
          maxLength={MAX_REPORT_NOTE_CHARS}
        ></textarea>
        <button class="btn" type="submit">
          Send report
        </button>
      </form>
    </ActionDisclosure>
  );
}

function HideForm({ node }: { node: ThreadNode }) {
  const hidden = node.hiddenByModerator;
  const id = `${hidden ? 'unhide' : 'hide'}-${node.id}`;
  return (
    <ActionDisclosure about={label(node)} summary={hidden ? 'Unhide' : 'Hide'} id={id}>
      <form
        class="comment-form"
        method="post"
        action={`/admin/comments/${node.id}/${hidden ? 'unhide' : 'hide'}`}
      >
        <CsrfField />
        <input type="hidden" name="next" value={`${paperPath(node.paperId)}#comment-${node.id}`} />
        <label for={`${id}-reason`}>Reason (kept in the audit log)</label>
        <input id={`${id}-reason`} class="text-input" name="reason" maxLength={500} />
        <button class="btn" type="submit">
          {hidden ? 'Unhide comment' : 'Hide comment'}
        </button>
      </form>
    </ActionDisclosure>
  );
}

/** A control that opens its form in place; screen readers also hear which comment it is for. */
function ActionDisclosure(props: {
  summary: string;
  about: string;
  id: string;
  children: ComponentChildren;
}) {
  const { summary, about, id, children } = props;
  return (
    <details class="comment-action" id={id}>
      <summary>
        {summary}
        <span class="visually-hidden">: {about.charAt(0).toLowerCase() + about.slice(1)}</span>
      </summary>
      {children}
    </details>
  );
}
