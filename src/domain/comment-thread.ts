// Turns a paper's stored comments into the thread a given reader sees. Pure: the rules of what a
// deleted or hidden comment looks like live here, tested without a database.
//
// - A comment its author deleted shows as "[deleted]" while it has replies someone can see, so the
//   replies keep their context; without any, it disappears.
// - A comment a moderator hid shows as "[hidden by a moderator]" to readers, body withheld, and in
//   full (marked) to moderators, who can unhide it. It stays in place either way, so readers can
//   see that moderation happened.

export interface StoredComment {
  id: number;
  paperId: string;
  parentId: number | null;
  body: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  hiddenAt: string | null;
  author: { id: number; handle: string; displayName: string };
}

export type CommentState = 'visible' | 'hidden' | 'deleted';

export interface ThreadNode {
  id: number;
  paperId: string;
  parentId: number | null;
  depth: number;
  /** What readers see; moderators see hidden comments as 'visible' with `hiddenByModerator`. */
  state: CommentState;
  hiddenByModerator: boolean;
  /** The Markdown, or null when this reader may not see it (deleted, or hidden from a reader). */
  body: string | null;
  /** Null for deleted comments: who wrote a deleted comment is nobody's business. */
  author: StoredComment['author'] | null;
  createdAt: string;
  updatedAt: string;
  edited: boolean;
  children: ThreadNode[];
}

export interface ThreadOptions {
  moderator: boolean;
}

/** The visible thread: roots and their replies, each level oldest first. */
export function buildThread(comments: readonly StoredComment[], options: ThreadOptions): ThreadNode[] {
  const byParent = new Map<number | null, StoredComment[]>();
  const ids = new Set(comments.map((c) => c.id));
  for (const c of comments) {
    // A reply whose parent is missing (never expected) is shown at the top rather than lost.
    const parent = c.parentId !== null && ids.has(c.parentId) ? c.parentId : null;
    const list = byParent.get(parent) ?? [];
    list.push(c);
    byParent.set(parent, list);
  }
  for (const list of byParent.values()) list.sort(chronological);
  const build = (parent: number | null, depth: number): ThreadNode[] =>
    (byParent.get(parent) ?? []).flatMap((c) => {
      const children = build(c.id, depth + 1);
      const node = toNode(c, depth, children, options);
      return node ? [node] : [];
    });
  return build(null, 0);
}

function toNode(
  c: StoredComment,
  depth: number,
  children: ThreadNode[],
  options: ThreadOptions,
): ThreadNode | null {
  const base = {
    id: c.id,
    paperId: c.paperId,
    parentId: c.parentId,
    depth,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    edited: c.updatedAt > c.createdAt,
    children,
  };
  if (c.deletedAt !== null) {
    if (children.length === 0) return null;
    return { ...base, state: 'deleted', hiddenByModerator: false, body: null, author: null };
  }
  if (c.hiddenAt !== null && !options.moderator) {
    return { ...base, state: 'hidden', hiddenByModerator: true, body: null, author: null };
  }
  return {
    ...base,
    state: 'visible',
    hiddenByModerator: c.hiddenAt !== null,
    body: c.body,
    author: c.author,
  };
}

function chronological(a: StoredComment, b: StoredComment): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id;
}

/** Every node of a thread, depth first, in display order. */
export function flattenThread(nodes: readonly ThreadNode[]): ThreadNode[] {
  return nodes.flatMap((n) => [n, ...flattenThread(n.children)]);
}
