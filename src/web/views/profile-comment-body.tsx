// A comment's text on the profile page: paragraphs of plain text until the comment renderer
// (src/web/markdown.ts) lands; Preact escapes every character.
export function CommentBody({ markdown }: { markdown: string }) {
  const paragraphs = markdown
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return (
    <div class="comment-body">
      {paragraphs.map((p) => (
        <p>{p}</p>
      ))}
    </div>
  );
}
