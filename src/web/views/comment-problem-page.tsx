// When a comment cannot be stored (empty, too long), the writer gets it back here with the reason
// and the form, their text as typed, ready to fix and send again.
import { paperPath } from '../paths.ts';
import { CommentTextarea, MarkdownHint } from './comments-section.tsx';
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';

export interface CommentProblemPageProps {
  title: string;
  message: string;
  action: string;
  paperId: string;
  parentId: number | null;
  text: string;
}

export function CommentProblemPage(props: CommentProblemPageProps) {
  return (
    <Layout title={props.title}>
      <section class="comment-problem" aria-labelledby="problem-heading">
        <h1 id="problem-heading">{props.title}</h1>
        <p class="form-error" role="alert" id="problem-message">
          {props.message}
        </p>
        <form class="comment-form" method="post" action={props.action}>
          <CsrfField />
          {props.parentId !== null ? (
            <input type="hidden" name="parentId" value={String(props.parentId)} />
          ) : null}
          <label for="problem-text">Your text</label>
          <CommentTextarea id="problem-text" value={props.text} rows={10} />
          <MarkdownHint id="problem-text-hint" />
          <p class="form-actions">
            <button class="btn btn-primary" type="submit">
              Try again
            </button>{' '}
            <a href={`${paperPath(props.paperId)}#comments`}>Back to the paper</a>
          </p>
        </form>
      </section>
    </Layout>
  );
}
