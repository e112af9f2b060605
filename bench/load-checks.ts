// What the load-and-fault test checks afterwards (issue 8, item 5), as pure functions of what the
// users were told, what the database holds and what the SMTP sink received, so the rules are
// tested on their own (test/http/load-fault-postgres.test.ts) as well as by the real run.

import type { AckedComment, VoteAttempt } from './load-users.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const sample = (items: string[]) => items.slice(0, 5).join('; ') + (items.length > 5 ? '; …' : '');

/**
 * Every acknowledged vote is in the database. A user's requests on one paper are sequential, so
 * the last one decides the row; only pairs whose last request was acknowledged are checked (an
 * unanswered request may or may not have been committed, and either is correct).
 */
export function checkVotes(attempts: readonly VoteAttempt[], stored: ReadonlySet<string>): Check {
  const last = new Map<string, VoteAttempt>();
  for (const a of attempts) last.set(voteKey(a.userId, a.paperId), a);
  const wrong: string[] = [];
  let checked = 0;
  for (const [key, a] of last) {
    if (!a.acknowledged) continue;
    checked += 1;
    if (stored.has(key) !== a.upvote) wrong.push(`${key} acknowledged ${a.upvote ? 'on' : 'off'}`);
  }
  const acknowledged = attempts.filter((a) => a.acknowledged).length;
  return {
    name: 'acknowledged votes stored',
    ok: wrong.length === 0,
    detail:
      wrong.length === 0
        ? `${acknowledged} acknowledged vote requests; the final state of all ${checked} user-paper pairs matches`
        : `${wrong.length} of ${checked} pairs differ from what was acknowledged: ${sample(wrong)}`,
  };
}

export function voteKey(userId: number, paperId: string): string {
  return `${userId}:${paperId}`;
}

/** Every acknowledged comment is in the database, on its paper, by its author. */
export function checkComments(
  acked: readonly AckedComment[],
  stored: readonly { userId: number; paperId: string; body: string }[],
): Check {
  const have = new Set(stored.map((c) => `${c.userId}|${c.paperId}|${c.body}`));
  const missing = acked.filter((c) => !have.has(`${c.userId}|${c.paperId}|${c.text}`));
  return {
    name: 'acknowledged comments stored',
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? `all ${acked.length} acknowledged comments are stored`
        : `${missing.length} of ${acked.length} acknowledged comments are missing: ${sample(missing.map((c) => c.text))}`,
  };
}

export interface ReceivedMail {
  to: string[];
  messageId: string | undefined;
  subject: string;
}

/**
 * No subscriber got a digest twice: per recipient, each Message-ID (one per subscription and
 * digest) arrives once, and no two messages share a subject (a second composition of one digest
 * would have another Message-ID). Every subscriber the run had to reach got theirs.
 */
export function checkDigests(mail: readonly ReceivedMail[], subscribers: readonly string[]): Check {
  const byId = new Map<string, number>();
  const bySubject = new Map<string, number>();
  for (const m of mail) {
    for (const to of m.to) {
      const id = `${to} ${m.messageId ?? '(no Message-ID)'}`;
      byId.set(id, (byId.get(id) ?? 0) + 1);
      const subject = `${to} "${m.subject}"`;
      bySubject.set(subject, (bySubject.get(subject) ?? 0) + 1);
    }
  }
  const twice = [...byId].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  const twiceBySubject = [...bySubject].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  const reached = new Set(mail.flatMap((m) => m.to));
  const missed = subscribers.filter((s) => !reached.has(s));
  const problems = [
    ...(twice.length > 0 ? [`same message twice: ${sample(twice)}`] : []),
    ...(twiceBySubject.length > 0 ? [`same digest twice: ${sample(twiceBySubject)}`] : []),
    ...(missed.length > 0 ? [`${missed.length} subscribers got nothing: ${sample(missed)}`] : []),
  ];
  return {
    name: 'each digest sent once',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${mail.length} messages to ${subscribers.length} subscribers, none twice`
        : problems.join('; '),
  };
}

export interface JobState {
  id: number;
  kind: string;
  state: string;
  attempts: number;
  leaseExpiresAt: string | null;
  lastError: string | null;
}

/**
 * No job lost: each job the run enqueued is in the table, and every job ended done (none failed,
 * none still queued, none left running under a lease that has expired: its worker died and nobody
 * took it over).
 */
export function checkJobs(jobs: readonly JobState[], enqueued: readonly number[], now: Date): Check {
  const ids = new Set(jobs.map((j) => j.id));
  const lost = enqueued.filter((id) => !ids.has(id)).map((id) => `job ${id} is gone`);
  const unfinished = jobs
    .filter((j) => j.state !== 'done')
    .map((j) => {
      const dead = j.state === 'running' && j.leaseExpiresAt !== null && j.leaseExpiresAt < now.toISOString();
      return `${j.kind} #${j.id} ${j.state}${dead ? ' under an expired lease' : ''}${j.lastError ? ` (${j.lastError})` : ''}`;
    });
  const problems = [...lost, ...unfinished];
  const retried = jobs.filter((j) => j.attempts > 1).length;
  return {
    name: 'no job lost',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${jobs.length} jobs, all done (${retried} needed more than one attempt)`
        : sample(problems),
  };
}

export interface PaperCounts {
  upvotes: number;
  comments: number;
}

/**
 * Every web node's anonymous answer agrees with the database once the load is over: no node
 * (the restarted one included) kept a page cached from before another node's write.
 */
export function checkFreshness(
  observed: readonly ({ node: string; paperId: string } & PaperCounts)[],
  truth: ReadonlyMap<string, PaperCounts>,
): Check {
  const stale = observed
    .filter((o) => {
      const t = truth.get(o.paperId);
      return !t || t.upvotes !== o.upvotes || t.comments !== o.comments;
    })
    .map((o) => {
      const t = truth.get(o.paperId);
      return `${o.node} ${o.paperId}: ${o.upvotes} upvotes, ${o.comments} comments (database: ${t ? `${t.upvotes}, ${t.comments}` : 'no such paper'})`;
    });
  return {
    name: 'no stale page on any node',
    ok: stale.length === 0 && observed.length > 0,
    detail:
      observed.length === 0
        ? 'nothing was compared'
        : stale.length === 0
          ? `${observed.length} answers (papers written to, each asked twice of every web node) match the database`
          : `${stale.length} of ${observed.length} answers are stale: ${sample(stale)}`,
  };
}
