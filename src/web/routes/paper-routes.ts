import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import { parseArxivId } from '../../domain/arxiv-id.ts';
import type { CommentService } from '../../services/comment-service.ts';
import type { PaperService } from '../../services/paper-service.ts';
import type { SearchService } from '../../services/search-service.ts';
import type { SubmissionService } from '../../services/submission-service.ts';
import { NotFoundError } from '../../services/errors.ts';
import type { PageSender } from '../app.ts';
import { paperPath } from '../paths.ts';
import { isModerator } from '../viewer-context.ts';
import { PaperPage } from '../views/paper-page.tsx';

interface Options {
  papers: PaperService;
  search: SearchService;
  comments: CommentService;
  /** Who listed the paper ("Submitted by"). */
  submissions: SubmissionService;
  pages: PageSender;
  baseUrl: string;
  categoryName: (code: string) => string | null;
}

/** Ids of papers that have no arXiv id (demo cards): "pb-" and hex. */
const LOCAL_ID = /^pb-[0-9a-f]{8,40}$/;

export const paperRoutes: FastifyPluginAsync<Options> = async (app, opts) => {
  // A wildcard, because old-style arXiv ids contain a slash (/papers/hep-th/9901001).
  app.get<{ Params: { '*': string } }>('/papers/*', async (request, reply) => {
    const raw = request.params['*'];
    const parsed = parseArxivId(raw);
    if (parsed && (parsed.version !== null || parsed.base !== raw)) {
      // /papers/2410.17243v2 and arXiv URLs lead to the one page of the paper.
      return reply.redirect(paperPath(parsed.base), 301);
    }
    const id = parsed?.base ?? (LOCAL_ID.test(raw) ? raw : null);
    if (!id) throw new NotFoundError(`not a paper id: ${raw}`);
    return opts.pages.sendPage(request, reply, async () => {
      // Moderators can open a hidden paper's page (to unhide it); everyone else gets 404.
      const paper = await opts.papers.get(id, { includeHidden: isModerator(request.viewer) });
      const [similar, discussion, submitters] = await Promise.all([
        opts.search.similar(paper.id, 6),
        opts.comments.thread(paper.id, request.viewer),
        opts.submissions.submittersOf([paper.id]),
      ]);
      return h(PaperPage, {
        paper,
        similar,
        discussion,
        submittedBy: submitters.get(paper.id) ?? null,
        canonical: `${opts.baseUrl}${paperPath(paper.id)}`,
        categoryName: opts.categoryName,
      });
    });
  });
};
