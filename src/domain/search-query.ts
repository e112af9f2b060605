// The search query language: what a reader types in the search box, parsed into a tree that
// search backends compile into their own syntax. Raw input never reaches a backend.
//
//   graph neural networks          terms (all must match; see the search service for relaxation)
//   "exact phrase"                 a phrase
//   -survey   -"large language"    exclusion (NOT survey too; an uppercase AND is implied anyway)
//   diffusion OR flow              alternatives; binds tighter than the implicit AND
//   (vision OR image) transformer  grouping
//   title:attention  author:hinton  abstract:"zero shot"   field restrictions
//   cat:cs.LG  cat:cs.*             category filter (several cat: are alternatives)
//   year:2024  year:2020..2023  after:2024-01-01  before:2024-06-30  date:2024-01..2024-03
//                                   (inclusive; days, months or years; date: ranges may be open)
//   has:code                        only papers with a code link
//   sort:new | sort:top | sort:relevance
import { FilterCollector } from './search-query-filters.ts';
import type { Token } from './search-query-lexer.ts';
import { lex, Notes, sanitize, shown } from './search-query-lexer.ts';
import type { ParsedQuery, QueryNode, SearchField } from './search-query-types.ts';
import { MAX_QUERY_DEPTH, MAX_QUERY_TERMS, QueryError } from './search-query-types.ts';

export type { ParsedQuery, QueryNode, SearchField, SearchFilters, SearchSort } from './search-query-types.ts';
export { MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, MAX_QUERY_TERMS, QueryError } from './search-query-types.ts';

/**
 * Parses what a reader typed. Never fails on syntax (unbalanced quotes and parentheses, stray
 * operators, …): those are repaired and reported in `warnings`. Throws QueryError only for
 * filters it cannot honour and for queries that exclude words without looking for any.
 */
export function parseSearchQuery(input: string): ParsedQuery {
  const notes = new Notes();
  const filters = new FilterCollector(notes);
  const items = new Parser(lex(sanitize(input, notes)), notes, filters).parse();
  return { text: topLevel(items), ...filters.result(), warnings: notes.list() };
}

// ---------------------------------------------------------------------------------------------
// Parser. Grammar, loosest binding first:
//
//   sequence     := alternatives*                 implicit AND
//   alternatives := unary ("OR" unary)*
//   unary        := ("-" | "NOT" | field:)* primary
//   primary      := word | "phrase" | "(" sequence ")" | filter
//
// A sequence is returned as a flat list of and-items (positive nodes and 'not' nodes), so
// groups splice into their parent and nested ands never arise.

class Parser {
  private pos = 0;
  private terms = 0;
  /** "(" beyond MAX_QUERY_DEPTH that were skipped; their ")" are skipped too. */
  private flattened = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly notes: Notes,
    private readonly filters: FilterCollector,
  ) {}

  parse(): QueryNode[] {
    const items = this.sequence(0);
    if (this.flattened > 0) this.notes.add(UNCLOSED_PAREN);
    return items;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private sequence(depth: number): QueryNode[] {
    const items: QueryNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return items;
      if (token.kind === 'close') {
        if (this.flattened > 0) this.flattened--;
        else if (depth > 0) return items;
        else this.notes.add('An extra ")" was ignored.');
        this.pos++;
      } else if (token.kind === 'or') {
        this.notes.add(DANGLING_OR);
        this.pos++;
      } else if (token.kind === 'and') {
        this.pos++; // explicit AND says what adjacency already says
      } else {
        for (const item of this.alternatives(depth)) items.push(item);
      }
    }
  }

  private alternatives(depth: number): QueryNode[] {
    let filterOperand = this.peek().kind === 'filter';
    const first = this.unary(depth);
    if (this.peek().kind !== 'or') return first;
    const operands = [first];
    while (this.peek().kind === 'or') {
      while (this.peek().kind === 'or') this.pos++; // "a OR OR b"
      const next = this.peek().kind;
      if (next === 'end' || next === 'close' || next === 'and') {
        this.notes.add(DANGLING_OR);
        break;
      }
      filterOperand ||= next === 'filter';
      operands.push(this.unary(depth));
    }
    return this.orOf(operands, filterOperand);
  }

  private orOf(operands: QueryNode[][], filterOperand: boolean): QueryNode[] {
    const children: QueryNode[] = [];
    for (const items of operands) {
      if (items.length === 0) continue; // a filter, an empty phrase, …
      if (!items.some(isPositive)) {
        // "a OR -b" would mean "a, or anything without b": nothing a search engine can rank.
        this.notes.add('An exclusion (-word) cannot be one side of OR; it was ignored.');
        continue;
      }
      const node = andOf(items);
      if (node.type === 'or') children.push(...node.children);
      else children.push(node);
    }
    if (filterOperand && children.length > 0) {
      this.notes.add('Filters such as cat: apply to the whole query, not to one side of OR.');
    }
    if (children.length === 0) return [];
    if (children.length === 1) return spliced(children[0]!);
    return [{ type: 'or', children }];
  }

  private unary(depth: number): QueryNode[] {
    let negation: string | null = null;
    let field: SearchField | null = null;
    let prefix = '';
    for (let token = this.peek(); token.kind === 'not' || token.kind === 'field'; token = this.peek()) {
      if (token.kind === 'not') negation = token.text;
      else field = token.field; // the one nearest the word wins
      prefix = token.text;
      this.pos++;
    }
    const start = this.peek();
    if (start.kind === 'filter' && negation !== null) {
      throw new QueryError(
        `Filters cannot be excluded: remove the "${negation}" before ${shown(start.text)}.`,
      );
    }
    if (start.kind === 'filter' && field !== null) this.notes.add(danglingPrefix(prefix));
    const items = this.primary(depth);
    if (items === null) {
      if (prefix) this.notes.add(danglingPrefix(prefix));
      return [];
    }
    const fielded = field === null ? items : items.map((node) => withField(node, field));
    return negation === null ? fielded : this.excluded(fielded);
  }

  private excluded(items: QueryNode[]): QueryNode[] {
    if (items.length === 0) return [];
    if (!items.some(isPositive)) {
      this.notes.add('An exclusion inside an exclusion was ignored.');
      return [];
    }
    return [{ type: 'not', child: andOf(items) }];
  }

  /** The items of one primary; null when the next token cannot start one (nothing consumed). */
  private primary(depth: number): QueryNode[] | null {
    const token = this.peek();
    switch (token.kind) {
      case 'word':
        this.pos++;
        return this.leaf('term', token.value);
      case 'phrase': {
        this.pos++;
        if (!token.closed) this.notes.add('A quote (") was not closed; it was closed at the end.');
        const value = token.value.replace(/ +/g, ' ').trim();
        return value ? this.leaf('phrase', value) : [];
      }
      case 'filter':
        this.pos++;
        this.filters.apply(token);
        return [];
      case 'open':
        return this.group(depth);
      default:
        return null;
    }
  }

  private group(depth: number): QueryNode[] {
    this.pos++;
    if (depth >= MAX_QUERY_DEPTH) {
      this.flattened++;
      this.notes.add(`Parentheses nested more than ${MAX_QUERY_DEPTH} deep were ignored.`);
      return [];
    }
    const items = this.sequence(depth + 1);
    if (this.peek().kind === 'close') this.pos++;
    else this.notes.add(UNCLOSED_PAREN);
    return items;
  }

  private leaf(type: 'term' | 'phrase', value: string): QueryNode[] {
    if (this.terms >= MAX_QUERY_TERMS) {
      this.notes.add(`Only the first ${MAX_QUERY_TERMS} words and phrases were used.`);
      return [];
    }
    this.terms++;
    return [{ type, value, field: null }];
  }
}

const DANGLING_OR = 'OR needs something to look for on both sides; it was ignored.';
const UNCLOSED_PAREN = 'A "(" was not closed; it was closed at the end.';

function danglingPrefix(prefix: string): string {
  return `"${prefix}" needs a word after it; it was ignored.`;
}

function isPositive(node: QueryNode): boolean {
  return node.type !== 'not';
}

function andOf(items: QueryNode[]): QueryNode {
  return items.length === 1 ? items[0]! : { type: 'and', children: items };
}

/** An and-node as items of the enclosing and, so ands never nest. */
function spliced(node: QueryNode): QueryNode[] {
  return node.type === 'and' ? node.children : [node];
}

/** A field on a group applies to every word in it, except those that name their own field. */
function withField(node: QueryNode, field: SearchField): QueryNode {
  switch (node.type) {
    case 'term':
    case 'phrase':
      return node.field === null ? { ...node, field } : node;
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map((child) => withField(child, field)) };
    case 'not':
      return { type: 'not', child: withField(node.child, field) };
  }
}

function topLevel(items: QueryNode[]): QueryNode | null {
  if (items.length === 0) return null;
  if (!items.some(isPositive)) {
    throw new QueryError(
      'Add at least one word to look for: a query cannot consist only of exclusions such as -survey.',
    );
  }
  return andOf(items);
}
