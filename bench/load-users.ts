// The load test's virtual users and the load balancer in front of the web nodes.
//
// Each user is one sequential loop (as a person in one browser tab): browse a page, search, vote or
// comment, then think a little. Reads are anonymous (they hit the shared page cache, as most
// traffic does); votes and comments carry the user's API token. Requests go round-robin to the web
// nodes. Like a reverse proxy (nginx's proxy_next_upstream), the balancer retries a request on the
// next node when the connection could not be made, and, for idempotent requests only, when it broke
// before an answer; a comment whose connection broke after it was sent is not resent (it may have
// been stored) and counts as an error. Every acknowledged (2xx) vote and comment is recorded, for
// the checks afterwards.

export type RequestType = 'page' | 'search' | 'vote' | 'comment';

/** A request with no answer after this long is an error (a proxy's read timeout; nginx's is 60 s). */
export const REQUEST_TIMEOUT_MS = 30_000;
export const REQUEST_TYPES: readonly RequestType[] = ['page', 'search', 'vote', 'comment'];

export interface TypeStats {
  /** Latency of every request that got an answer (ms, retries included). */
  latencies: number[];
  ok: number;
  /** Non-2xx answers and requests that got none. */
  errors: number;
  /** Requests sent again to another node after the first could not answer. */
  retried: number;
  /** A few error descriptions, for the report. */
  samples: string[];
}

export interface VoteAttempt {
  userId: number;
  paperId: string;
  upvote: boolean;
  /** A 2xx answer came back. */
  acknowledged: boolean;
}

/** A comment the API answered 201 for; its text is unique in the run. */
export interface AckedComment {
  userId: number;
  paperId: string;
  text: string;
}

export interface LoadRecord {
  stats: Record<RequestType, TypeStats>;
  /** Every vote request, in the order each user sent them. */
  votes: VoteAttempt[];
  comments: AckedComment[];
  /** Comment requests that got no answer (they may or may not have been stored). */
  unansweredComments: number;
}

export interface VirtualUser {
  id: number;
  token: string;
}

export interface LoadPlan {
  users: VirtualUser[];
  paperIds: string[];
  queries: string[];
  /** Days that have papers (YYYY-MM-DD), for day pages. */
  days: string[];
  /** Longest pause between two requests of a user (uniformly 0..thinkMs). */
  thinkMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** false: browse and search only (to measure what writes cost the page caches). */
  writes: boolean;
}

/** Round-robin over the web nodes' base URLs. */
export class Balancer {
  private turn = 0;
  constructor(readonly nodes: readonly string[]) {}

  /** The nodes in the order this request tries them. */
  order(): string[] {
    const start = this.turn++ % this.nodes.length;
    return [...this.nodes.slice(start), ...this.nodes.slice(0, start)];
  }
}

/** Why fetch failed: the connection was never made (safe to resend anything), or broke later. */
export function failureKind(err: unknown): 'refused' | 'broken' | 'timeout' {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'timeout';
  const code = e.cause?.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'refused';
  return 'broken';
}

interface Answer {
  status: number;
  body: string;
}

export function emptyRecord(): LoadRecord {
  const stats = Object.fromEntries(
    REQUEST_TYPES.map((t) => [t, { latencies: [], ok: 0, errors: 0, retried: 0, samples: [] }]),
  ) as unknown as Record<RequestType, TypeStats>;
  return { stats, votes: [], comments: [], unansweredComments: 0 };
}

function noteError(s: TypeStats, what: string): void {
  s.errors += 1;
  if (s.samples.length < 5) s.samples.push(what);
}

/**
 * Sends one request through the balancer and records its outcome; returns the answer, or null
 * when no node answered.
 */
async function send(
  balancer: Balancer,
  record: LoadRecord,
  type: RequestType,
  path: string,
  init: RequestInit & { idempotent: boolean },
  timeoutMs: number,
): Promise<Answer | null> {
  const s = record.stats[type];
  const started = performance.now();
  let lastError = '';
  for (const [attempt, node] of balancer.order().entries()) {
    if (attempt > 0) s.retried += 1;
    try {
      const res = await fetch(node + path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.text();
      s.latencies.push(performance.now() - started);
      if (res.status >= 200 && res.status < 400) s.ok += 1;
      else noteError(s, `${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${body.slice(0, 120)}`);
      return { status: res.status, body };
    } catch (err) {
      const kind = failureKind(err);
      lastError = `${init.method ?? 'GET'} ${path}: ${kind} (${String((err as { cause?: unknown }).cause ?? err)})`;
      if (kind === 'refused' || (kind === 'broken' && init.idempotent)) continue;
      break;
    }
  }
  noteError(s, lastError);
  return null;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** One virtual user's loop until `stopped()`. */
async function userLoop(
  user: VirtualUser,
  plan: LoadPlan,
  balancer: Balancer,
  record: LoadRecord,
  stopped: () => boolean,
  random: () => number,
): Promise<void> {
  const voted = new Map<string, boolean>();
  const auth = { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' };
  let comments = 0;
  while (!stopped()) {
    const roll = plan.writes ? random() : random() * 0.8;
    if (roll < 0.6) {
      const r = random();
      const path =
        r < 0.25
          ? '/'
          : r < 0.4
            ? '/papers/trending'
            : r < 0.55
              ? `/papers/date/${pick(plan.days, random)}`
              : r < 0.65
                ? `/api/daily_papers?date=${pick(plan.days, random)}`
                : `/papers/${pick(plan.paperIds, random)}`;
      await send(balancer, record, 'page', path, { idempotent: true }, plan.timeoutMs);
    } else if (roll < 0.8) {
      const q = encodeURIComponent(pick(plan.queries, random));
      await send(balancer, record, 'search', `/search?q=${q}`, { idempotent: true }, plan.timeoutMs);
    } else if (roll < 0.92) {
      const paperId = pick(plan.paperIds, random);
      const upvote = !(voted.get(paperId) ?? false);
      const attempt: VoteAttempt = { userId: user.id, paperId, upvote, acknowledged: false };
      record.votes.push(attempt);
      // Setting a vote to a state is idempotent: a proxy may resend it.
      const answer = await send(
        balancer,
        record,
        'vote',
        `/api/papers/${paperId}/upvote`,
        { method: 'POST', headers: auth, body: JSON.stringify({ upvote }), idempotent: true },
        plan.timeoutMs,
      );
      if (answer && answer.status === 200) {
        attempt.acknowledged = true;
        voted.set(paperId, upvote);
      }
    } else {
      const paperId = pick(plan.paperIds, random);
      comments += 1;
      const text = `Load test comment ${comments} by user ${user.id} on ${paperId}.`;
      const answer = await send(
        balancer,
        record,
        'comment',
        `/api/papers/${paperId}/comments`,
        { method: 'POST', headers: auth, body: JSON.stringify({ comment: text }), idempotent: false },
        plan.timeoutMs,
      );
      if (answer === null) record.unansweredComments += 1;
      else if (answer.status === 201) record.comments.push({ userId: user.id, paperId, text });
    }
    if (plan.thinkMs > 0) await new Promise((r) => setTimeout(r, random() * plan.thinkMs));
  }
}

/** A small deterministic generator, so runs differ only by timing. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Runs every user until `stop` settles; resolves when the last one's last request has ended. */
export async function runUsers(
  plan: LoadPlan,
  balancer: Balancer,
  stop: Promise<unknown>,
  record: LoadRecord,
): Promise<{ elapsedSeconds: number }> {
  const started = performance.now();
  let stopped = false;
  const end = () => {
    stopped = true;
  };
  stop.then(end, end); // a failed fault script stops the users too (the caller sees its error)
  await Promise.all(
    plan.users.map((u, i) => userLoop(u, plan, balancer, record, () => stopped, seededRandom(1000 + i))),
  );
  return { elapsedSeconds: (performance.now() - started) / 1000 };
}
