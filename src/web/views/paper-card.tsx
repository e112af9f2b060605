import type { PaperSummary } from '../../db/repositories/listing-repository.ts';
import { compactCount, plural, preview, safeUrl, shortDate, shortUrl } from '../format.ts';
import { renderMathText } from '../render-math.ts';
import { organizationPath, paperPath } from '../paths.ts';
import { UpvoteButton } from './upvote-button.tsx';

export interface PaperCardProps {
  paper: PaperSummary;
  rank?: number;
  /** Safe HTML to show instead of the title and abstract preview (search highlights). */
  titleHtml?: string;
  abstractHtml?: string;
}

export function PaperCard({ paper, rank, titleHtml, abstractHtml }: PaperCardProps) {
  const href = paperPath(paper.id);
  const titleId = `paper-${paper.id.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  const code = safeUrl(paper.codeUrl);
  return (
    <article class="paper-card" aria-labelledby={titleId}>
      <UpvoteButton paperId={paper.id} upvotes={paper.upvotes} />
      <div class="paper-body">
        <h2 class="paper-title" id={titleId}>
          {rank !== undefined ? <span class="rank">{rank}.</span> : null}
          <a href={href} dangerouslySetInnerHTML={{ __html: titleHtml ?? renderMathText(paper.title) }} />
        </h2>
        <p class="paper-meta">
          {paper.organization ? (
            <a
              class="org-badge"
              href={organizationPath(paper.organization.name)}
              title={paper.organization.fullname}
            >
              {paper.organization.fullname}
            </a>
          ) : null}
          <Authors names={paper.firstAuthors} count={paper.authorCount} />
          <span class="meta-sep" aria-hidden="true">
            ·
          </span>
          <time dateTime={paper.submittedAt}>{shortDate(paper.submittedAt)}</time>
          {paper.primaryCategory ? <span class="category">{paper.primaryCategory}</span> : null}
        </p>
        <p
          class="paper-abstract"
          dangerouslySetInnerHTML={{ __html: abstractHtml ?? renderMathText(preview(paper.abstract)) }}
        />
        <p class="paper-links">
          {code ? (
            <a class="chip chip-code" href={code} rel="noopener nofollow">
              <span aria-hidden="true">{'</>'}</span> {shortUrl(code)}
              {paper.githubStars != null ? (
                <span class="stars"> ★ {compactCount(paper.githubStars)}</span>
              ) : null}
            </a>
          ) : null}
          {paper.commentCount > 0 ? (
            <a class="chip" href={`${href}#comments`}>
              {plural(paper.commentCount, 'comment')}
            </a>
          ) : null}
        </p>
      </div>
    </article>
  );
}

function Authors({ names, count }: { names: string[]; count: number }) {
  if (count === 0) return null;
  if (names.length === 0) return <span class="authors">{plural(count, 'author')}</span>;
  const more = count - names.length;
  return (
    <span class="authors">
      {names.join(', ')}
      {more > 0 ? ` +${more}` : ''}
      <span class="author-count"> · {plural(count, 'author')}</span>
    </span>
  );
}
