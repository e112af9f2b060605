// Which queries get a semantic side, and what text is embedded for them. The rule, kept simple
// enough to explain to a reader:
//
//   - relevance-ranked queries with words: `graph neural networks`, `diffusion OR flow -survey`,
//     `"contrastive loss" large batch` (words and phrases are embedded together; exclusions not);
//   - not filter-only queries (nothing to embed), not sort:new / sort:top (the order is not by
//     meaning), and not queries made only of exact phrases (`"Near Infinite"`) or with field
//     restrictions (`title:attention`, `author:hinton`): those ask for exact matches, which only
//     the lexical index can check.
import type { QueryNode } from '../domain/search-query.ts';

/** The text to embed for a hybrid search, or null when the query stays lexical. */
export function semanticQueryText(node: QueryNode | null): string | null {
  if (node === null) return null;
  const leaves: Extract<QueryNode, { type: 'term' | 'phrase' }>[] = [];
  collect(node, leaves);
  if (leaves.some((leaf) => leaf.field !== null)) return null;
  if (!leaves.some((leaf) => leaf.type === 'term')) return null;
  const text = leaves
    .map((leaf) => leaf.value)
    .join(' ')
    .trim();
  return text || null;
}

function collect(node: QueryNode, into: Extract<QueryNode, { type: 'term' | 'phrase' }>[]): void {
  switch (node.type) {
    case 'term':
    case 'phrase':
      into.push(node);
      return;
    case 'and':
    case 'or':
      for (const child of node.children) collect(child, into);
      return;
    case 'not':
      return; // what the reader does not want is no part of what they mean
  }
}
