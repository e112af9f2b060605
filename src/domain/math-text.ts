// Splits paper titles and abstracts into plain-text and TeX-math runs, the way arXiv authors write them
// (and the way arXiv's own MathJax reads them): `$...$` and `\(...\)` inline, `$$...$$` and `\[...\]` display.
// Pure and total: every input splits, nothing is dropped, and joinSegments(splitMath(s)) === s.
//
// It runs in linear time on any input (titles and abstracts are untrusted): the text scan visits each
// character at most twice, and each opening delimiter scans forward for its closer once, after which the
// cursor jumps past that closer, or, when there is none, the rest of the input is text and the scan stops.
// No regular expressions, so no backtracking.

/** How a math run was opened; the closer follows from it. */
export type MathDelimiter = '$' | '$$' | '\\(' | '\\[';

/** `delimiter` is kept so a segment can be shown as written (joinSegments, KaTeX fallbacks). */
export type MathSegment =
  | { kind: 'text'; value: string }
  | { kind: 'math'; value: string; display: boolean; delimiter: MathDelimiter };

const CLOSER: Readonly<Record<MathDelimiter, string>> = { $: '$', $$: '$$', '\\(': '\\)', '\\[': '\\]' };
const DISPLAY: Readonly<Record<MathDelimiter, boolean>> = { $: false, $$: true, '\\(': false, '\\[': true };

export function closingDelimiter(open: MathDelimiter): string {
  return CLOSER[open];
}

/** The segment as it was written, delimiters included. */
export function segmentSource(segment: MathSegment): string {
  return segment.kind === 'text'
    ? segment.value
    : segment.delimiter + segment.value + CLOSER[segment.delimiter];
}

/** Inverse of splitMath. */
export function joinSegments(segments: readonly MathSegment[]): string {
  return segments.map(segmentSource).join('');
}

/**
 * Text and math runs in order. Adjacent text is merged, math is never blank, and an escaped `\$` stays in
 * the text with its backslash (renderers drop it), so that joining the segments gives back the input.
 */
export function splitMath(text: string): MathSegment[] {
  const segments: MathSegment[] = [];
  let textStart = 0;
  let i = 0;
  while (i < text.length) {
    const open = openerAt(text, i);
    if (open === null) {
      // A backslash escapes the next character (`\$` is a literal dollar, `\\` a TeX line break).
      i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    const bodyStart = i + open.length;
    const close = findCloser(text, bodyStart, open);
    // Unclosed: the rest is plain text. Retrying later openers could rescan the tail once per opener.
    if (close === -1) break;
    const end = close + CLOSER[open].length;
    const body = text.slice(bodyStart, close);
    // Empty or blank math (`$$$$`, `\( \)`) renders as nothing, so it stays visible as text.
    if (body.trim() !== '') {
      pushText(segments, text.slice(textStart, i));
      segments.push({ kind: 'math', value: body, display: DISPLAY[open], delimiter: open });
      textStart = end;
    }
    i = end;
  }
  pushText(segments, text.slice(textStart));
  return segments;
}

function pushText(segments: MathSegment[], value: string): void {
  if (value === '') return;
  const last = segments[segments.length - 1];
  if (last?.kind === 'text') last.value += value;
  else segments.push({ kind: 'text', value });
}

function openerAt(text: string, i: number): MathDelimiter | null {
  const ch = text[i];
  const next = text[i + 1];
  if (ch === '\\') return next === '(' ? '\\(' : next === '[' ? '\\[' : null;
  if (ch !== '$') return null;
  if (next === '$') return '$$';
  return next !== undefined && isDigit(next) && isPrice(text, i) ? null : '$';
}

// "$5 and $10" is money, not math: a `$` before a digit whose next `$` follows a space opens nothing.
// Only this narrow case is special; anything broader (say, Pandoc's rules) misreads real abstracts like
// `$ x $`, which arXiv's MathJax renders as math and authors proofread that way. The look-ahead stops at
// the next `$`, which the main scan reaches next anyway, so this keeps the scan linear.
function isPrice(text: string, dollar: number): boolean {
  let j = dollar + 1;
  while (j < text.length && text[j] !== '$') j += text[j] === '\\' ? 2 : 1;
  const before = text[j - 1];
  return j >= text.length || (before !== undefined && isSpace(before));
}

/** Index of the closing delimiter at brace depth 0, or -1. Braces nest so `$\text{$x$}$` is one run. */
function findCloser(text: string, from: number, open: MathDelimiter): number {
  let depth = 0;
  let j = from;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\\') {
      if (depth === 0 && text.slice(j, j + 2) === CLOSER[open]) return j;
      j += 2;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    else if (ch === '$' && depth === 0 && isDollarCloser(text, j, open)) return j;
    j++;
  }
  return -1;
}

function isDollarCloser(text: string, j: number, open: MathDelimiter): boolean {
  if (open === '$$') return text[j + 1] === '$';
  return open === '$';
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}
