// Text clean-up for arXiv metadata: whitespace, TeX accent macros, and author lines.
// Pure functions; math runs are found with the same splitter the renderer uses, so what is left alone
// here is exactly what KaTeX later receives.

import { segmentSource, splitMath } from './math-text.ts';

/** Collapses every run of whitespace (line breaks included) to one space and trims the ends. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// Each TeX accent maps to the Unicode combining mark it draws. Composing base + mark and then NFC
// gives the precomposed letter whenever Unicode has one, so no per-letter table is needed; letters
// without a precomposed form keep the (correctly rendered) combining sequence.
const SYMBOL_ACCENTS: Readonly<Record<string, string>> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
};

const LETTER_ACCENTS: Readonly<Record<string, string>> = {
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  r: '\u030A',
  c: '\u0327',
  k: '\u0328',
  d: '\u0323',
  b: '\u0331',
};

// Text-mode letters that are whole macros rather than accents. `\i` and `\j` are the dotless forms.
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ss: 'ß',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  dh: 'ð',
  DH: 'Ð',
  dj: 'đ',
  DJ: 'Đ',
  ng: 'ŋ',
  NG: 'Ŋ',
  th: 'þ',
  TH: 'Þ',
  o: 'ø',
  O: 'Ø',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

// A backslash only starts a macro when it is not itself escaped (`\\c{c}` is a line break then text).
const UNESCAPED = String.raw`(?<=(?:^|[^\\])(?:\\\\)*)`;
// What may end a bare control word such as `\ss` or `\i`: `{}`, TeX's control space `\ ` (only the
// backslash is consumed) or one plain space before a lowercase letter (TeX swallows it).
const CONTROL_WORD_END = String.raw`\{\}|\\(?=\s|$)| (?=[a-z])`;
// An accent's argument: a letter or dotless i/j, optionally braced. Dotless i/j is the usual base for
// an accented i (`Garc\'\i a`); the space TeX eats after `\i` is captured so it can be dropped.
const DOTLESS = String.raw`\\[ij](?![A-Za-z])`;
const BRACED_BASE = String.raw`\{\s*([A-Za-z]|${DOTLESS})\s*\}`;
const BARE_BASE = String.raw`([A-Za-z]|${DOTLESS}(?:${CONTROL_WORD_END})?)`;
const ACCENT_BASE = `(?:${BRACED_BASE}|${BARE_BASE})`;
// Optional `{...}` around the whole accent (`{\"O}zg{\"u}r`) is dropped with it.
const ACCENT_PATTERN = new RegExp(
  String.raw`(\{)?${UNESCAPED}\\(?:([` +
    '\'`^"~=.' +
    String.raw`])|([uvHrkcdb])(?=[\s{]))\s*${ACCENT_BASE}(\})?`,
  'g',
);
// `\t{oo}` (tie) spans two letters, so it gets its own rule.
const TIE_PATTERN = new RegExp(String.raw`${UNESCAPED}\\t\s*\{([A-Za-z])([A-Za-z])\}`, 'g');
const SPECIAL_NAMES = Object.keys(SPECIAL_LETTERS).join('|');
const SPECIAL_PATTERN = new RegExp(
  String.raw`(\{)?${UNESCAPED}\\(${SPECIAL_NAMES})(?![A-Za-z])(${CONTROL_WORD_END})?(\})?`,
  'g',
);

/**
 * Converts TeX accent macros (`\'a`, `{\"o}`, `\c{c}`, `\v s`, `\'\i`, `\ss`, `{\O}`, ...) to Unicode.
 * Math runs (`$...$`, `$$...$$`, `\(...\)`, `\[...\]`) and every other macro are left as written.
 */
export function latexAccentsToUnicode(s: string): string {
  if (!s.includes('\\')) return s;
  return splitMath(s)
    .map((segment) => (segment.kind === 'text' ? convertTextRun(segment.value) : segmentSource(segment)))
    .join('');
}

function convertTextRun(text: string): string {
  return text
    .replace(ACCENT_PATTERN, replaceAccent)
    .replace(TIE_PATTERN, (_m, a: string, b: string) => `${a}\u0361${b}`)
    .replace(SPECIAL_PATTERN, replaceSpecialLetter);
}

function replaceAccent(
  match: string,
  open: string | undefined,
  symbol: string | undefined,
  letter: string | undefined,
  bracedBase: string | undefined,
  bareBase: string | undefined,
  close: string | undefined,
  offset: number,
  whole: string,
): string {
  const mark = symbol !== undefined ? SYMBOL_ACCENTS[symbol] : LETTER_ACCENTS[letter ?? ''];
  const rawBase = bracedBase ?? bareBase;
  if (mark === undefined || rawBase === undefined) return match;
  // The accent goes on an ordinary i/j: the dotless form only exists so the dot doesn't clash.
  const base = rawBase.startsWith('\\') ? rawBase.charAt(1) : rawBase;
  const accented = (base + mark).normalize('NFC');
  // TeX swallows the space after a bare `\i`; keep it unless we are inside a word (`Garc\'\i a`).
  const keptSpace = rawBase.endsWith(' ') && !isLetter(whole[offset - 1]) ? ' ' : '';
  return wrap(accented + keptSpace, open, close, whole, offset);
}

function replaceSpecialLetter(
  _match: string,
  open: string | undefined,
  name: string,
  terminator: string | undefined,
  close: string | undefined,
  offset: number,
  whole: string,
): string {
  const letter = SPECIAL_LETTERS[name] ?? name;
  // TeX swallows the space after `\ss` (`Mei\ss ner`), but arXiv metadata is hand-typed and
  // `5 \AA thick` means a space, so the space only goes inside a word. `\AA\ ` (TeX's control space)
  // matched just the backslash, so its space stays.
  const after = terminator === ' ' && !isLetter(whole[offset - 1]) ? ' ' : '';
  return wrap(letter + after, open, close, whole, offset);
}

/**
 * Drops braces that wrapped only the converted letter. Keeps them when they are a macro's argument
 * (`\emph{\'e}`, `^{\o}`) or only one of the pair is there (it belongs to an outer group).
 */
function wrap(
  text: string,
  open: string | undefined,
  close: string | undefined,
  whole: string,
  offset: number,
): string {
  const isArgument = /(?:\\[A-Za-z]+|[\^_])\s*$/.test(whole.slice(Math.max(0, offset - 40), offset));
  if (open !== undefined && close !== undefined && !isArgument) return text;
  return (open ?? '') + text + (close ?? '');
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && /\p{L}/u.test(ch);
}

// Separators between authors: commas, semicolons, ampersands, colons ("CLEO Collaboration: T. K.
// Pedlar") and the word "and" (so ", and " works too).
const AUTHOR_SEPARATOR = /\s*(?:[,;&:]|(?<!\S)and(?!\S))\s*/;
// Pieces that continue the previous name rather than start a new one ("Smith, Jr.", "Aubert, et al").
const NAME_CONTINUATION = /^(?:Jr|Sr|II|III|IV|et al)\.?$/;

/**
 * Splits an arXiv "Authors:" value into ordered display names. Parenthesised affiliations, footnote
 * markers like "(1,2)" and the trailing "((1) Oxford, (2) MIT)" block are removed.
 */
export function parseAuthorList(s: string): string[] {
  const flat = removeParenthesised(normalizeWhitespace(latexAccentsToUnicode(s)));
  const names: string[] = [];
  for (const piece of flat.split(AUTHOR_SEPARATOR)) {
    const name = cleanName(piece);
    if (name === '') continue;
    const previous = names[names.length - 1];
    if (previous !== undefined && NAME_CONTINUATION.test(name)) {
      names[names.length - 1] = `${previous} ${name}`;
    } else {
      names.push(name);
    }
  }
  return names;
}

function removeParenthesised(s: string): string {
  let out = s;
  let before: string;
  // Innermost groups first, so nested blocks like "((1) CREST, (2) Kurchatov)" disappear whole.
  do {
    before = out;
    out = out.replace(/\([^()]*\)/g, ' ');
  } while (out !== before);
  // An opening parenthesis left over is an affiliation block cut short; a stray closer is just noise.
  return out.replace(/\(.*$/, '').replace(/\)/g, ' ');
}

function cleanName(piece: string): string {
  // Names carry no math, so braces left over from TeX case protection are only noise. "for the Belle
  // Collaboration" names the group; the "for" belongs to the sentence, not the name.
  const name = normalizeWhitespace(piece.replace(/[{}]/g, '')).replace(/^for (?=the )/i, '');
  return /\p{L}/u.test(name) ? name : '';
}
