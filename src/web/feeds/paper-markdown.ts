// One paper as Markdown: for notes, issues and reading lists. Text is escaped so that a title can
// neither format nor link anything; TeX math stays as written, which Markdown renderers with math
// support (GitHub, Obsidian, Jupyter) display.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import { arxivAbsUrl, arxivPdfUrl } from '../../domain/arxiv-id.ts';
import { clean, firstDoi, toBibtex } from '../../domain/citation.ts';
import { segmentSource, splitMath } from '../../domain/math-text.ts';
import { safeUrl } from '../format.ts';
import { isArxivPaper, toCitable } from './citable.ts';

/** CommonMark lets any ASCII punctuation be escaped; these are the ones that can format or link. */
function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>#|&~!]/g, (c) => `\\${c}`);
}

/** Escaped text, safe as a whole paragraph: a leading "- " or "1." would otherwise start a list. */
export function escapeMarkdown(text: string): string {
  return splitMath(clean(text))
    .map((seg) => (seg.kind === 'text' ? escapeMarkdownText(seg.value) : segmentSource(seg)))
    .join('')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A fence longer than any backtick run inside, so nothing in the block can close it. */
function fenced(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.trimEnd()}\n${fence}`;
}

function links(paper: PaperDetail, pageUrl: string): string[] {
  const doi = firstDoi(paper.doi);
  const code = safeUrl(paper.codeUrl);
  const project = safeUrl(paper.projectUrl);
  const lines = [`- Page: <${pageUrl}>`];
  if (isArxivPaper(paper.id)) {
    lines.push(`- arXiv: <${arxivAbsUrl(paper.id)}> · PDF: <${arxivPdfUrl(paper.id)}>`);
  }
  if (doi) lines.push(`- DOI: <https://doi.org/${encodeURI(doi)}>`);
  if (paper.journalRef) lines.push(`- Journal reference: ${escapeMarkdown(paper.journalRef)}`);
  if (code) lines.push(`- Code: <${code}>`);
  if (project) lines.push(`- Project page: <${project}>`);
  lines.push(`- Submitted: ${paper.submittedAt.slice(0, 10)}`);
  if (paper.categories.length > 0)
    lines.push(`- Categories: ${paper.categories.map(escapeMarkdown).join(', ')}`);
  return lines;
}

export function paperMarkdown(paper: PaperDetail, baseUrl: string): string {
  const citable = toCitable(paper, baseUrl);
  const authors =
    paper.authors.length > 0 ? paper.authors.map(escapeMarkdown).join(', ') : `${paper.authorCount} authors`;
  const abstract = paper.abstract
    .split(/\n\s*\n/)
    .map(escapeMarkdown)
    .filter(Boolean)
    .join('\n\n');
  return [
    `# ${escapeMarkdown(paper.title)}`,
    `**Authors:** ${authors}`,
    links(paper, citable.pageUrl).join('\n'),
    '## Abstract',
    abstract,
    '## BibTeX',
    fenced('bibtex', toBibtex(citable)),
    '',
  ].join('\n\n');
}
