// A comment's text on the profile page, through the same Markdown renderer (and sanitiser) as the
// discussion on the paper page, so it reads the same in both places.
import { renderCommentMarkdown } from '../markdown.ts';

export function CommentBody({ markdown }: { markdown: string }) {
  return <div class="comment-body" dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(markdown) }} />;
}
