import { arxivAbsUrl, arxivPdfUrl } from '../../domain/arxiv-id.ts';
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import type { PaperSummary } from '../../db/repositories/paper-summaries.ts';
import { plural, safeUrl, shortDate, shortUrl } from '../format.ts';
import { dayPath, organizationPath, paperPath, profilePath } from '../paths.ts';
import { renderAbstractHtml, renderMathText } from '../render-math.ts';
import { highwireTags } from '../feeds/citable.ts';
import { CiteLinks } from '../feeds/syndication-links.tsx';
import { Layout } from './layout.tsx';
import { UpvoteButton } from './upvote-button.tsx';
import type { ThreadNode } from '../../domain/comment-thread.ts';
import { CommentsSection } from './comments-section.tsx';
import { PaperModeration } from './paper-moderation.tsx';

export interface PaperPageProps {
  paper: PaperDetail;
  similar: PaperSummary[];
  canonical: string;
  categoryName: (code: string) => string | null;
  /** The comment thread as this viewer may see it; no discussion section when absent. */
  discussion?: ThreadNode[];
  /** Who listed the paper (a community submission or an imported HF submitter), when known. */
  submittedBy?: { handle: string; displayName: string } | null;
}

export function PaperPage({
  paper,
  similar,
  canonical,
  categoryName,
  discussion,
  submittedBy,
}: PaperPageProps) {
  const onArxiv = paper.source !== 'seed';
  const code = safeUrl(paper.codeUrl);
  const project = safeUrl(paper.projectUrl);
  const license = safeUrl(paper.license);
  return (
    <Layout
      title={paper.title}
      description={paper.abstract.slice(0, 200)}
      canonical={canonical}
      math
      meta={highwireTags(paper, canonical)}
    >
      <article class="paper-page" aria-labelledby="paper-title">
        <PaperModeration paper={paper} />
        <header class="paper-header">
          <p class="eyebrow">
            {onArxiv ? <span>arXiv:{paper.id}</span> : null}
            {paper.listedOn ? (
              <>
                {onArxiv ? ' · ' : ''}
                <a href={dayPath(paper.listedOn)}>Daily papers of {shortDate(paper.listedOn)}</a>
              </>
            ) : null}
            {submittedBy ? (
              <>
                {' · '}Submitted by{' '}
                <a href={profilePath(submittedBy.handle)} title={`@${submittedBy.handle}`}>
                  {submittedBy.displayName}
                </a>
              </>
            ) : null}
          </p>
          <h1 id="paper-title" dangerouslySetInnerHTML={{ __html: renderMathText(paper.title) }} />
          <p class="paper-authors">
            {paper.authors.length > 0 ? paper.authors.join(', ') : plural(paper.authorCount, 'author')}
          </p>
          {paper.organization ? (
            <p>
              <a class="org-badge" href={organizationPath(paper.organization.name)}>
                {paper.organization.fullname}
              </a>
            </p>
          ) : null}
          <div class="paper-actions">
            <UpvoteButton paperId={paper.id} upvotes={paper.upvotes} size="large" />
            {onArxiv ? (
              <>
                <a class="btn" href={arxivAbsUrl(paper.id)}>
                  arXiv page
                </a>
                <a class="btn" href={arxivPdfUrl(paper.id)}>
                  PDF
                </a>
              </>
            ) : null}
            {code ? (
              <a class="btn btn-code" href={code} rel="noopener nofollow">
                Code: {shortUrl(code)}
                {paper.githubStars != null ? ` ★ ${paper.githubStars}` : ''}
              </a>
            ) : null}
            {project ? (
              <a class="btn" href={project} rel="noopener nofollow">
                Project page
              </a>
            ) : null}
          </div>
          <CiteLinks path={paperPath(paper.id)} />
        </header>
        <section class="abstract" aria-labelledby="abstract-heading">
          <h2 id="abstract-heading">Abstract</h2>
          <div
            class="abstract-body"
            dangerouslySetInnerHTML={{ __html: renderAbstractHtml(paper.abstract) }}
          />
        </section>
        <section class="metadata" aria-labelledby="metadata-heading">
          <h2 id="metadata-heading">Details</h2>
          <dl>
            <dt>Submitted</dt>
            <dd>
              <time dateTime={paper.submittedAt}>{shortDate(paper.submittedAt)}</time>
            </dd>
            {paper.versions.length > 1 ? (
              <>
                <dt>Versions</dt>
                <dd>
                  <ul class="versions">
                    {paper.versions.map((v) => (
                      <li>
                        v{v.version}: <time dateTime={v.submittedAt}>{shortDate(v.submittedAt)}</time>
                        {v.size ? ` (${v.size})` : ''}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
            {paper.categories.length > 0 ? (
              <>
                <dt>Categories</dt>
                <dd>
                  <ul class="categories">
                    {paper.categories.map((c, i) => (
                      <li class={i === 0 ? 'category primary' : 'category'} title={categoryName(c) ?? c}>
                        {c}
                        {categoryName(c) ? <span class="category-name"> {categoryName(c)}</span> : null}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
            <Field label="Comments" value={paper.comments} />
            <Field label="Journal reference" value={paper.journalRef} />
            {paper.doi ? (
              <>
                <dt>DOI</dt>
                <dd>
                  {/* Some records list several DOIs separated by spaces. */}
                  {paper.doi
                    .split(/\s+/)
                    .filter(Boolean)
                    .map((doi, i) => (
                      <>
                        {i > 0 ? ' ' : ''}
                        <a href={`https://doi.org/${encodeURI(doi)}`}>{doi}</a>
                      </>
                    ))}
                </dd>
              </>
            ) : null}
            <Field label="Report number" value={paper.reportNo} />
            {license ? (
              <>
                <dt>Licence</dt>
                <dd>
                  <a href={license} rel="license noopener">
                    {shortUrl(license)}
                  </a>
                </dd>
              </>
            ) : (
              <Field label="Licence" value={paper.license} />
            )}
          </dl>
        </section>
        {discussion ? (
          <CommentsSection paperId={paper.id} count={paper.commentCount} thread={discussion} />
        ) : null}
        <SimilarPapers papers={similar} />
      </article>
    </Layout>
  );
}

function Field({ label, value }: { label: string; value: string | null }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function SimilarPapers({ papers }: { papers: PaperSummary[] }) {
  if (papers.length === 0) return null;
  return (
    <section class="similar" aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar papers</h2>
      <ul class="similar-list">
        {papers.map((p) => (
          <li>
            <a href={paperPath(p.id)} dangerouslySetInnerHTML={{ __html: renderMathText(p.title) }} />
            <span class="similar-meta">
              {shortDate(p.submittedAt)} · <span aria-hidden="true">▲</span> {p.upvotes}
              <span class="visually-hidden"> upvotes</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
