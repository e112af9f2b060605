// arXiv identifiers: https://info.arxiv.org/help/arxiv_identifier.html
// New style since 2007-04: YYMM.NNNN (to 2014-12) and YYMM.NNNNN (from 2015-01), optional vN.
// Old style: archive[.SUBJ]/YYMMNNN, optional vN.

const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z-]+(?:\.[A-Z]{2})?)\/(\d{7})(?:v(\d+))?$/;

export interface ArxivId {
  /** Id without version, e.g. "2410.17243" or "hep-th/9901001". */
  base: string;
  /** Version when the input named one. */
  version: number | null;
}

/** Parses an arXiv id, with or without version, or an arxiv.org abs/pdf URL; null if not an id. */
export function parseArxivId(input: string): ArxivId | null {
  const s = stripUrl(input.trim());
  const n = NEW_STYLE.exec(s);
  if (n) {
    const month = Number(n[2]);
    const digits = n[3]!.length;
    if (month < 1 || month > 12) return null;
    // Five-digit numbers started in 2015; before that arXiv used four.
    if (Number(n[1]) >= 15 !== (digits === 5)) return null;
    return { base: `${n[1]}${n[2]}.${n[3]}`, version: n[4] ? Number(n[4]) : null };
  }
  const o = OLD_STYLE.exec(s);
  if (o) return { base: `${o[1]}/${o[2]}`, version: o[3] ? Number(o[3]) : null };
  return null;
}

function stripUrl(s: string): string {
  const m = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/(.+?)(?:\.pdf)?\/?$/i.exec(s);
  const id = m ? m[1]! : s;
  return id.replace(/^arxiv:/i, '');
}

export function arxivAbsUrl(base: string): string {
  return `https://arxiv.org/abs/${base}`;
}

export function arxivPdfUrl(base: string): string {
  return `https://arxiv.org/pdf/${base}`;
}
