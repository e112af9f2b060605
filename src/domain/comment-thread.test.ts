import { describe, expect, it } from 'vitest';
import {
  commentBodyProblem,
  decodeReport,
  encodeReport,
  mayModerateUser,
  normalizeCommentBody,
} from './comment-rules.ts';
import { buildThread, flattenThread } from './comment-thread.ts';
import type { StoredComment } from './comment-thread.ts';

let clock = 0;
function comment(id: number, parentId: number | null, extra: Partial<StoredComment> = {}): StoredComment {
  const at = new Date(Date.UTC(2026, 10, 27, 0, 0, clock++)).toISOString();
  return {
    id,
    paperId: '2611.00001',
    parentId,
    body: `comment ${id}`,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    hiddenAt: null,
    author: { id: 1, handle: 'ada', displayName: 'Ada' },
    ...extra,
  };
}
const GONE = '2026-11-28T00:00:00.000Z';

describe('buildThread', () => {
  it('orders each level oldest first, whatever the input order', () => {
    const thread = buildThread([comment(3, 1), comment(1, null), comment(2, null), comment(4, 1)].reverse(), {
      moderator: false,
    });
    expect(flattenThread(thread).map((n) => [n.id, n.depth])).toEqual([
      [1, 0],
      [3, 1],
      [4, 1],
      [2, 0],
    ]);
  });

  it('drops deleted comments without visible replies, recursively, and keeps those with one', () => {
    const thread = buildThread(
      [
        comment(1, null, { deletedAt: GONE }),
        comment(2, 1, { deletedAt: GONE }),
        comment(3, 2),
        comment(4, null, { deletedAt: GONE }),
        comment(5, 4, { deletedAt: GONE }),
      ],
      { moderator: true },
    );
    expect(flattenThread(thread).map((n) => [n.id, n.state, n.body])).toEqual([
      [1, 'deleted', null],
      [2, 'deleted', null],
      [3, 'visible', 'comment 3'],
    ]);
  });

  it('withholds hidden comments from readers but keeps their place and replies', () => {
    const comments = [comment(1, null, { hiddenAt: GONE }), comment(2, 1)];
    const [reader] = buildThread(comments, { moderator: false });
    expect(reader).toMatchObject({ state: 'hidden', body: null, author: null, hiddenByModerator: true });
    expect(reader!.children.map((n) => n.id)).toEqual([2]);
    const [moderator] = buildThread(comments, { moderator: true });
    expect(moderator).toMatchObject({ state: 'visible', body: 'comment 1', hiddenByModerator: true });
  });

  it('marks edited comments', () => {
    const edited = comment(1, null);
    edited.updatedAt = GONE;
    expect(buildThread([edited, comment(2, null)], { moderator: false }).map((n) => n.edited)).toEqual([
      true,
      false,
    ]);
  });
});

describe('comment rules', () => {
  it('normalises line endings and strips bidi overrides but keeps RTL text and marks', () => {
    expect(normalizeCommentBody('\n\n  a\r\nb\u202Ec\u2066d\u2069 \u05D0\u200F  \n\n')).toBe(
      '  a\nbcd \u05D0\u200F',
    );
  });

  it('explains empty and overlong bodies', () => {
    expect(commentBodyProblem(' \n ')).toBe('The comment is empty.');
    expect(commentBodyProblem('x'.repeat(10_000))).toBeNull();
    expect(commentBodyProblem('x'.repeat(12_345))).toBe(
      'The comment is 12,345 characters long; the limit is 10,000.',
    );
  });

  it('stores a report reason and note as one text and reads them back', () => {
    expect(decodeReport(encodeReport('spam', 'line one\nline two'))).toEqual({
      reason: 'spam',
      note: 'line one\nline two',
    });
    expect(decodeReport(encodeReport('other', ''))).toEqual({ reason: 'other', note: '' });
  });

  it('lets moderators act on users, admins on moderators, nobody on admins or themselves', () => {
    const user = { id: 1, role: 'user' } as const;
    const mod = { id: 2, role: 'moderator' } as const;
    const admin = { id: 3, role: 'admin' } as const;
    expect(mayModerateUser(mod, user)).toBe(true);
    expect(mayModerateUser(admin, user)).toBe(true);
    expect(mayModerateUser(user, { id: 4, role: 'user' })).toBe(false);
    expect(mayModerateUser(mod, { id: 5, role: 'moderator' })).toBe(false);
    expect(mayModerateUser(admin, mod)).toBe(true);
    expect(mayModerateUser(admin, { id: 6, role: 'admin' })).toBe(false);
    expect(mayModerateUser(admin, admin)).toBe(false);
  });
});
