// Comment Markdown to safe HTML. Comments are written by anyone with an account, so the output must
// be harmless whatever the input. Three layers:
//
// 1. markdown-it with `html: false`: raw HTML in the source is shown as text, never passed through.
//    Images are off: `![alt](url)` becomes "!" and a link to the image, so a comment cannot load
//    third-party content (tracking pixels, huge files) into every reader's browser. Tables are off
//    too (not in the allow-list below), and headings are moved down two levels (# → h3) so a
//    comment never competes with the page's own h1/h2 outline.
// 2. sanitize-html with a strict allow-list, as a second line of defence should a markdown-it rule
//    or plugin ever emit something unexpected: only the tags Markdown needs, no classes, no styles,
//    links with http/https/mailto (or site-relative) targets only, each with rel="nofollow ugc
//    noopener" and no target.
// 3. Math ($…$ inline, $$…$$ display) is rendered with KaTeX *after* sanitising. KaTeX's output
//    needs dozens of classes and inline style attributes; allowing those in the sanitiser would let
//    any comment use them too (a full-page overlay is one `style` away). Instead the parser turns
//    each formula into an opaque placeholder, the sanitiser sees only that placeholder text, and
//    the placeholders are swapped for KaTeX's HTML inside the sanitiser's text filter, which runs
//    on text nodes only, so a formula can never land inside an attribute. KaTeX runs with
//    `trust: false` (see render-math.ts): it escapes its input and refuses \href, \url and \html*.
//    Placeholder characters are private-use code points removed from the input first, so a comment
//    cannot forge one.
import MarkdownIt from 'markdown-it';
import type { StateBlock, StateInline } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { BoundedMemo, renderTex } from './render-math.ts';

/** Same bound as titles and abstracts: longer formulas are shown as source (KaTeX is ~15 ms/1,000 chars). */
const MAX_FORMULA_CHARS = 2000;
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

type MathEnv = { math: string[] };

const md = new MarkdownIt('default', {
  html: false,
  linkify: true,
  breaks: true,
  typographer: false,
  // Deeply nested quotes and lists stop nesting here and continue as text: bounded stack and output.
  maxNesting: 20,
});
md.disable(['image', 'table']);
// Bare URLs are linked only with http(s):// or mailto:; "model.py", "arxiv.org" or "www.x.org" stay
// text (linkify's fuzzy matching links too many file names). No ftp:, no "//host".
md.linkify.set({ fuzzyLink: false });
md.linkify.add('ftp:', null).add('//', null);
md.core.ruler.after('block', 'shift_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 2)}`;
    }
  }
});
md.inline.ruler.before('escape', 'math_inline', mathInline);
md.block.ruler.before('blockquote', 'math_block', mathBlock, {
  alt: ['paragraph', 'reference', 'blockquote', 'list'],
});
md.renderer.rules.math_inline = (tokens, idx, _options, env) =>
  placeholder(env, tokens[idx]!.content, tokens[idx]!.markup === '$$');
md.renderer.rules.math_block = (tokens, idx, _options, env) =>
  `<p>${placeholder(env, tokens[idx]!.content, true)}</p>\n`;

function placeholder(env: unknown, tex: string, display: boolean): string {
  const { math } = env as MathEnv; // renderCommentMarkdown always passes one
  math.push(renderTex(tex, display));
  return `${OPEN}${math.length - 1}${CLOSE}`;
}

const REL = 'nofollow ugc noopener';

function sanitizeOptions(env: MathEnv): sanitizeHtml.IOptions {
  return {
    allowedTags: [
      'p',
      'br',
      'em',
      'strong',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h3',
      'h4',
      'h5',
      'h6',
      'del',
      's',
      'hr',
    ],
    allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
    allowedClasses: {},
    allowedStyles: {},
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: {},
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nestingLimit: 50,
    transformTags: {
      // Whatever a link carried, it leaves with its href (checked against the schemes above) and our rel.
      a: (_tag, attribs) => {
        const kept: sanitizeHtml.Attributes = attribs.href === undefined ? {} : { href: attribs.href };
        return { tagName: 'a', attribs: { ...kept, rel: REL } };
      },
    },
    // `text` arrives HTML-escaped and is a text node, so this is the one safe spot for KaTeX's HTML.
    textFilter: (text) => text.replace(PLACEHOLDER, (_m, i: string) => env.math[Number(i)] ?? ''),
  };
}

// Pages for signed-in readers render per request; the same comments recur, so their HTML is kept.
const memo = new BoundedMemo(2000, 8_000_000);

/** A comment's Markdown as sanitised HTML (block elements), ready for dangerouslySetInnerHTML. */
export function renderCommentMarkdown(source: string): string {
  const cached = memo.get(source);
  if (cached !== undefined) return cached;
  const env: MathEnv = { math: [] };
  // Bidi controls are stripped on input too (comment-rules.ts); here again for older stored text.
  const text = source.replace(/[\uE000\uE001]/g, '\uFFFD').replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
  const html = md.render(text, env);
  const safe = sanitizeHtml(html, sanitizeOptions(env)).trim();
  memo.set(source, safe);
  return safe;
}

function isSpaceChar(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * `$…$` and `$$…$$` inside a paragraph. As in Pandoc, an inline `$` must be followed by a non-space
 * and its closer preceded by a non-space and not followed by a digit, so "$5 and $10" stays prose.
 * The closer is looked for at most MAX_FORMULA_CHARS ahead, which keeps the scan linear overall.
 */
function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== '$') return false;
  const display = src[start + 1] === '$';
  const bodyStart = start + (display ? 2 : 1);
  if (!display && (bodyStart >= state.posMax || isSpaceChar(src[bodyStart]))) return false;
  const close = findCloser(
    src,
    bodyStart,
    Math.min(state.posMax, bodyStart + MAX_FORMULA_CHARS + 2),
    display,
  );
  const closerEnd = close + (display ? 2 : 1);
  if (close === -1 || src.slice(bodyStart, close).trim() === '') {
    // Not math, so text: an unclosed "$$" whole (its second "$" must not open a formula), and an
    // empty "$$$$" or "$ $" up to its closer.
    const end = close === -1 ? bodyStart : closerEnd;
    if (!silent) state.pending += src.slice(start, end);
    state.pos = end;
    return true;
  }
  const body = src.slice(bodyStart, close);
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = body;
    token.markup = display ? '$$' : '$';
  }
  state.pos = closerEnd;
  return true;
}

function findCloser(src: string, from: number, max: number, display: boolean): number {
  for (let j = from; j < max; j++) {
    const ch = src[j];
    if (ch === '\\') {
      j++; // an escaped character, e.g. \$ inside a formula
      continue;
    }
    if (ch !== '$') continue;
    if (display) {
      if (src[j + 1] === '$') return j;
      continue;
    }
    const next = src[j + 1];
    if (!isSpaceChar(src[j - 1]) && !(next !== undefined && next >= '0' && next <= '9')) return j;
  }
  return -1;
}

/** A display formula on lines of its own: `$$` … `$$` (or `$$ x $$` on one line). */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false; // indented code
  const first = lineText(state, startLine).trim();
  if (!first.startsWith('$$')) return false;
  const lines: string[] = [];
  let last = startLine;
  let rest = first.slice(2);
  // "$$x$$ and more" is display math inside a paragraph: the inline rule's business.
  if (rest.includes('$$') && !rest.endsWith('$$')) return false;
  let found = false;
  let size = 0;
  for (;;) {
    const trimmed = rest.trimEnd();
    if (trimmed.endsWith('$$')) {
      lines.push(trimmed.slice(0, -2));
      found = true;
      break;
    }
    lines.push(rest);
    size += rest.length + 1;
    last += 1;
    if (last >= endLine || size > MAX_FORMULA_CHARS) break;
    if (!state.isEmpty(last) && state.sCount[last]! < state.blkIndent) break; // the container ended
    rest = lineText(state, last);
  }
  const body = lines.join('\n');
  if (!found || body.trim() === '' || body.includes('$$')) return false;
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = body;
  token.markup = '$$';
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

function lineText(state: StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
}
