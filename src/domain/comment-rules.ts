// The rules of paper discussions that need no storage: how long a comment may be, how deep threads
// go, why a comment may be reported, and who may moderate whom. Pure, so they are tested without a
// database and shared by the service, the views and the API schema.

/** Comments are Markdown; 10,000 characters is several screens, far more than any real comment. */
export const MAX_COMMENT_CHARS = 10_000;

/**
 * Top-level comments have depth 0. A reply to a comment at the deepest level is attached to that
 * comment's parent instead, so threads never nest deeper than this (8 levels) and stay readable on
 * a phone; the reply still follows the comment it answered in time order.
 */
export const MAX_COMMENT_DEPTH = 7;

export const REPORT_REASONS = [
  { code: 'spam', label: 'Spam or advertising' },
  { code: 'abuse', label: 'Harassment or hate' },
  { code: 'off-topic', label: 'Off topic' },
  { code: 'misleading', label: 'Misleading or plagiarised' },
  { code: 'other', label: 'Something else' },
] as const;

export type ReportReason = (typeof REPORT_REASONS)[number]['code'];

/** Free text that may come with a report. */
export const MAX_REPORT_NOTE_CHARS = 500;

/** Why a moderator hid or banned something, kept in the audit log. */
export const MAX_MODERATION_REASON_CHARS = 500;

export type Role = 'user' | 'moderator' | 'admin';

export function isReportReason(code: string): code is ReportReason {
  return REPORT_REASONS.some((r) => r.code === code);
}

export function reportReasonLabel(code: string): string {
  return REPORT_REASONS.find((r) => r.code === code)?.label ?? code;
}

/**
 * A report is stored as one text: the reason code, then the reporter's note on the next line.
 * Codes contain no newline, so the split is unambiguous.
 */
export function encodeReport(reason: ReportReason, note: string): string {
  return note === '' ? reason : `${reason}\n${note}`;
}

export function decodeReport(stored: string): { reason: string; note: string } {
  const cut = stored.indexOf('\n');
  return cut === -1
    ? { reason: stored, note: '' }
    : { reason: stored.slice(0, cut), note: stored.slice(cut + 1) };
}

/**
 * Comment text as stored: Windows line endings unified, trailing whitespace dropped. Explicit
 * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed: they
 * are the tool of text-spoofing tricks ("Trojan Source", reversed file names), while right-to-left
 * writing needs none of them (the comment is shown with dir="auto"; U+200E/U+200F marks stay).
 */
export function normalizeCommentBody(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
    .trimEnd()
    .replace(/^(?:[ \t]*\n)+/, '');
}

/** Why a comment body cannot be stored, or null when it can. */
export function commentBodyProblem(body: string): string | null {
  if (body.trim() === '') return 'The comment is empty.';
  if (body.length > MAX_COMMENT_CHARS) {
    return `The comment is ${body.length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMENT_CHARS.toLocaleString('en-US')}.`;
  }
  return null;
}

/** Moderators act on users; only admins act on moderators; nobody acts on admins or on themselves. */
export function mayModerateUser(
  actor: { id: number; role: Role },
  target: { id: number; role: Role },
): boolean {
  if (actor.id === target.id || target.role === 'admin') return false;
  if (target.role === 'moderator') return actor.role === 'admin';
  return actor.role === 'moderator' || actor.role === 'admin';
}

export function isModeratorRole(role: Role): boolean {
  return role === 'moderator' || role === 'admin';
}
