// arXiv's category taxonomy (code → name), derived from arXiv's own table; see fixtures/demo/SOURCE.md.
import categories from './arxiv-categories.json' with { type: 'json' };

const NAMES: Readonly<Record<string, string>> = categories;

/** "cs.LG" → "Machine Learning"; null for codes arXiv does not define. */
export function categoryName(code: string): string | null {
  return Object.hasOwn(NAMES, code) ? NAMES[code]! : null;
}
