// GET/POST /submit: the submission form. A refused submission shows the form again with what was
// typed and why (with the status code of the reason); a successful one goes to the paper's page.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, RateLimitedError } from '../../services/errors.ts';
import type { PaperService } from '../../services/paper-service.ts';
import { AlreadyListedError } from '../../services/submission-service.ts';
import type { SubmissionRules, SubmissionService } from '../../services/submission-service.ts';
import type { PageSender } from '../app.ts';
import { statusOf } from '../error-handling.ts';
import { requireViewer } from '../guards.ts';
import { paperPath } from '../paths.ts';
import { EMPTY_SUBMISSION, SubmitPage } from '../views/submit-page.tsx';
import type { SubmitPageProps, SubmitValues } from '../views/submit-page.tsx';

interface Options {
  submissions: SubmissionService;
  papers: PaperService;
  pages: PageSender;
  rules: SubmissionRules;
}

type SubmitForm = Partial<Record<keyof SubmitValues, unknown>>;

export const submitRoutes: FastifyPluginAsync<Options> = async (
  app,
  { submissions, papers, pages, rules },
) => {
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    props: Pick<SubmitPageProps, 'values' | 'error' | 'listed'>,
  ) => {
    const viewer = requireViewer(request);
    const [organizations, remaining] = await Promise.all([
      submissions.organizations(),
      submissions.remainingToday(viewer),
    ]);
    return pages.sendPage(
      request,
      reply,
      async () => h(SubmitPage, { ...props, organizations, rules, remaining }),
      { personal: true },
    );
  };

  app.get('/submit', async (request, reply) => {
    requireViewer(request);
    return show(request, reply, { values: EMPTY_SUBMISSION, error: null, listed: null });
  });

  // Signed-out visitors go to sign in before the CSRF check could call their form expired.
  const signedIn = { onRequest: async (request: FastifyRequest) => void requireViewer(request) };
  app.post<{ Body: SubmitForm | undefined }>('/submit', signedIn, async (request, reply) => {
    const viewer = requireViewer(request);
    const values = formValues(request.body);
    try {
      const submitted = await submissions.submit(viewer, values);
      return reply.redirect(paperPath(submitted.paperId), 303);
    } catch (err) {
      // Only the service's own refusals, whose messages are written for the submitter; anything
      // else is a fault for the error handler.
      if (!(err instanceof AppError)) throw err;
      const status = statusOf(err);
      // arXiv failing is the operator's business too (the cause says how it failed).
      if (status >= 500) request.log.warn({ err }, 'submission failed: a dependency did not answer');
      else request.log.info({ status, msg: err.message }, 'submission refused');
      reply.code(status);
      if (err instanceof RateLimitedError) reply.header('retry-after', String(err.retryAfterSeconds));
      const parameter = 'parameter' in err && typeof err.parameter === 'string' ? err.parameter : undefined;
      return show(request, reply, {
        values,
        error: { message: err.message, ...(parameter ? { parameter } : {}) },
        listed: err instanceof AlreadyListedError ? await listing(papers, err) : null,
      });
    }
  });
};

function formValues(body: SubmitForm | undefined): SubmitValues {
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
  return {
    id: text(body?.id).trim(),
    githubRepo: text(body?.githubRepo).trim(),
    projectPage: text(body?.projectPage).trim(),
    organization: text(body?.organization).trim(),
  };
}

async function listing(papers: PaperService, err: AlreadyListedError) {
  const paper = await papers.get(err.paperId);
  return { paperId: paper.id, title: paper.title, day: err.day, upvotes: paper.upvotes };
}
