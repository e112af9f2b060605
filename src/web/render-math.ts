// Server-side rendering of titles and abstracts that contain TeX math into safe HTML with KaTeX.
// The input is untrusted (anyone may submit a paper), so every character from it reaches the page either
// HTML-escaped by us or through KaTeX with `trust: false`, which escapes its own output and refuses
// \href, \url, \includegraphics and the \html* commands (it shows them as red source text instead).

import katex from 'katex';
import type { KatexOptions } from 'katex';
import { segmentSource, splitMath } from '../domain/math-text.ts';
import type { MathSegment } from '../domain/math-text.ts';

const KATEX_OPTIONS: Readonly<KatexOptions> = {
  throwOnError: false,
  output: 'htmlAndMathml',
  strict: 'ignore',
  trust: false,
  maxSize: 10,
  maxExpand: 1000,
};

// KaTeX takes ~15 ms per 1,000 characters of math. Real math runs are a few dozen characters and a whole
// arXiv abstract is under 2,000, so anything longer is shown as source rather than let one submission stall
// the event loop.
const MAX_MATH_CHARS = 2000;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * A Map used as an LRU: reads move an entry to the back, inserts evict from the front. Bounded by entry count
 * and by total cached characters, since one rendered formula can be tens of kilobytes of HTML.
 */
export class BoundedMemo {
  readonly #entries = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxEntries: number, maxChars: number) {
    this.#maxEntries = maxEntries;
    this.#maxChars = maxChars;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): string | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: string, value: string): void {
    this.delete(key);
    this.#entries.set(key, value);
    this.#chars += key.length + value.length;
    while (this.#entries.size > this.#maxEntries || this.#chars > this.#maxChars) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    this.#chars -= key.length + value.length;
  }
}

// Keyed by formula rather than by whole text: the same short formulas ($n$, $\alpha$) recur across papers,
// the splitting and escaping around them is cheap, and cached HTML stays small (~16 MB at most).
const mathMemo = new BoundedMemo(5000, 8_000_000);

/** A title or paragraph as inline HTML: text escaped, each math run rendered by KaTeX. */
export function renderMathText(text: string): string {
  return splitMath(text).map(renderSegment).join('');
}

/** An abstract as `<p>` paragraphs, split on blank lines; math never spans paragraphs. */
export function renderAbstractHtml(text: string): string {
  return splitParagraphs(text)
    .map((paragraph) => `<p>${renderMathText(paragraph)}</p>`)
    .join('\n');
}

/**
 * One TeX formula as HTML, through the same memo and size limit as titles and abstracts: too long
 * or broken formulas come back as escaped source between their delimiters.
 */
export function renderTex(tex: string, display: boolean): string {
  return renderMath({ kind: 'math', value: tex, display, delimiter: display ? '$$' : '$' });
}

function splitParagraphs(text: string): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() !== '') {
      current.push(line);
      continue;
    }
    if (current.length > 0) paragraphs.push(current.join('\n').trim());
    current = [];
  }
  if (current.length > 0) paragraphs.push(current.join('\n').trim());
  return paragraphs;
}

function renderSegment(segment: MathSegment): string {
  return segment.kind === 'text' ? renderText(segment.value) : renderMath(segment);
}

// `\$` is how authors write a literal dollar (arXiv's MathJax shows it as `$`); the splitter keeps the
// backslash so the split is lossless, and it is dropped only here, for display.
function renderText(value: string): string {
  return escapeHtml(value.replaceAll('\\$', '$'));
}

function renderMath(segment: Extract<MathSegment, { kind: 'math' }>): string {
  if (segment.value.length > MAX_MATH_CHARS) return escapeHtml(segmentSource(segment));
  const key = `${segment.display ? 'D' : 'I'}${segment.value}`;
  const cached = mathMemo.get(key);
  if (cached !== undefined) return cached;
  const html = renderWithKatex(segment);
  mathMemo.set(key, html);
  return html;
}

function renderWithKatex(segment: Extract<MathSegment, { kind: 'math' }>): string {
  try {
    return katex.renderToString(segment.value, { ...KATEX_OPTIONS, displayMode: segment.display });
  } catch {
    // throwOnError: false turns TeX errors into red source, but KaTeX can still throw on internal errors;
    // a bad formula must not take the page down with it.
    return escapeHtml(segmentSource(segment));
  }
}
