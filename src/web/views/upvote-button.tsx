// The upvote control of paper cards and paper pages. Signed-in viewers get a form that works without
// JavaScript (it posts and comes back here); assets/upvote.js turns it into an in-place toggle.
// Anonymous visitors get a link to sign in that returns to this page.
import { compactCount } from '../format.ts';
import { paperPath } from '../paths.ts';
import { useViewer } from '../viewer-context.ts';
import { CsrfField } from './csrf-field.tsx';

export interface UpvoteButtonProps {
  paperId: string;
  upvotes: number;
  /** card: the compact box of a list; large: the paper page's button. */
  size?: 'card' | 'large';
}

export function upvotePath(paperId: string): string {
  return `${paperPath(paperId)}/upvote`;
}

export function UpvoteButton({ paperId, upvotes, size = 'card' }: UpvoteButtonProps) {
  const { viewer, csrfToken, currentPath, upvoted } = useViewer();
  const classes = size === 'large' ? 'vote vote-button vote-large' : 'vote vote-button';
  const count = size === 'large' ? String(upvotes) : compactCount(upvotes);
  // "N upvotes" as the cards always said (tests and readers rely on it).
  const title = `${upvotes} upvotes`;
  if (!viewer || !csrfToken) {
    return (
      <a class={classes} href={`/signin?next=${encodeURIComponent(currentPath)}`} title={title}>
        <span class="vote-arrow" aria-hidden="true">
          ▲
        </span>
        <span class="vote-count">{count}</span>
        <span class="visually-hidden"> upvotes. Sign in to upvote</span>
      </a>
    );
  }
  const pressed = upvoted.has(paperId);
  return (
    <form class="vote-form" method="post" action={upvotePath(paperId)} data-upvote>
      <CsrfField />
      <input type="hidden" name="vote" value={pressed ? 'off' : 'on'} />
      <input type="hidden" name="next" value={currentPath} />
      <button type="submit" class={classes} aria-pressed={pressed ? 'true' : 'false'} title={title}>
        <span class="vote-arrow" aria-hidden="true">
          ▲
        </span>
        <span class="visually-hidden">Upvote, </span>
        <span class="vote-count" data-upvote-count={size === 'large' ? 'full' : 'compact'}>
          {count}
        </span>
        <span class="visually-hidden"> upvotes</span>
      </button>
    </form>
  );
}
