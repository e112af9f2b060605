// Turns paperboy's records into the objects of Hugging Face's papers API.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import type { FullSummary } from '../../services/paper-service.ts';
import { safeUrl } from '../format.ts';
import { paperPath } from '../paths.ts';

export interface ApiPaper {
  id: string;
  title: string;
  summary: string;
  authors: { name: string }[];
  publishedAt: string;
  upvotes: number;
  numComments: number;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  organization: { name: string; fullname: string } | null;
  categories: string[];
  paperboyUrl: string;
}

export interface ApiDailyItem {
  paper: ApiPaper;
  publishedAt: string;
  title: string;
  summary: string;
  numComments: number;
  submittedBy: { name: string; fullname: string } | null;
  organization: { name: string; fullname: string } | null;
  listedOn: string | null;
}

type PaperLike = Pick<
  FullSummary,
  | 'id'
  | 'title'
  | 'abstract'
  | 'authors'
  | 'submittedAt'
  | 'upvotes'
  | 'commentCount'
  | 'codeUrl'
  | 'githubStars'
> & {
  projectUrl?: string | null;
  organization: { name: string; fullname: string } | null;
  categories: string[];
};

export function apiPaper(p: PaperLike, baseUrl: string): ApiPaper {
  return {
    id: p.id,
    title: p.title,
    summary: p.abstract,
    authors: p.authors.map((name) => ({ name })),
    publishedAt: p.submittedAt,
    upvotes: p.upvotes,
    numComments: p.commentCount,
    githubRepo: safeUrl(p.codeUrl),
    githubStars: p.githubStars,
    projectPage: safeUrl(p.projectUrl ?? null),
    organization: p.organization,
    categories: p.categories,
    paperboyUrl: `${baseUrl}${paperPath(p.id)}`,
  };
}

export function apiPaperDetail(p: PaperDetail, baseUrl: string): ApiPaper {
  return apiPaper({ ...p, organization: p.organization }, baseUrl);
}

/**
 * A daily-papers item; `listedAt` is the listing time when known, `submitter` who listed the paper
 * (HF's submittedBy: name is the handle).
 */
export function apiDailyItem(
  p: FullSummary,
  baseUrl: string,
  listedAt?: string,
  submitter?: { handle: string; displayName: string } | null,
): ApiDailyItem {
  return {
    paper: apiPaper(p, baseUrl),
    publishedAt: listedAt ?? (p.day ? `${p.day}T00:00:00.000Z` : p.submittedAt),
    title: p.title,
    summary: p.abstract,
    numComments: p.commentCount,
    submittedBy: submitter ? { name: submitter.handle, fullname: submitter.displayName } : null,
    organization: p.organization,
    listedOn: p.day,
  };
}
