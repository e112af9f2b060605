// A stored paper as the citation formats and reference-manager meta tags see it.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import { arxivPdfUrl, parseArxivId } from '../../domain/arxiv-id.ts';
import type { CitablePaper } from '../../domain/citation.ts';
import { clean, firstDoi, journalTitle, slashDate } from '../../domain/citation.ts';
import { paperPath } from '../paths.ts';
import type { MetaTag } from '../views/layout.tsx';

/** True for arXiv ids; local "pb-…" ids of papers that are not on arXiv are false. */
export function isArxivPaper(id: string): boolean {
  return parseArxivId(id)?.base === id;
}

export function toCitable(paper: PaperDetail, baseUrl: string): CitablePaper {
  return {
    id: paper.id,
    title: paper.title,
    authors: paper.authors,
    abstract: paper.abstract,
    submittedAt: paper.submittedAt,
    primaryCategory: paper.primaryCategory,
    categories: paper.categories,
    journalRef: paper.journalRef,
    doi: paper.doi,
    onArxiv: isArxivPaper(paper.id),
    pageUrl: `${baseUrl}${paperPath(paper.id)}`,
  };
}

/**
 * Highwire Press tags, the ones Google Scholar and the Zotero connector read to save a paper with
 * its authors, date, PDF and DOI. Values are plain text; the view's renderer escapes them.
 */
export function highwireTags(paper: PaperDetail, pageUrl: string): MetaTag[] {
  const onArxiv = isArxivPaper(paper.id);
  const doi = firstDoi(paper.doi);
  const journal = journalTitle(paper.journalRef);
  const tags: [string, string | null][] = [
    ['citation_title', clean(paper.title)],
    ...paper.authors.map((a): [string, string] => ['citation_author', clean(a)]),
    ['citation_publication_date', slashDate(paper.submittedAt)],
    ['citation_arxiv_id', onArxiv ? paper.id : null],
    ['citation_pdf_url', onArxiv ? arxivPdfUrl(paper.id) : null],
    ['citation_doi', doi],
    ['citation_journal_title', journal],
    ['citation_abstract_html_url', pageUrl],
  ];
  return tags.flatMap(([name, content]) => (content ? [{ name, content }] : []));
}
