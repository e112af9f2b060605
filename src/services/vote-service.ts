// Upvotes: one per user per paper, set on or off idempotently. The vote, the paper's count and the
// listing's trending score change in one transaction, so every page and the API agree on the count.
import type { DatabaseHandle } from '../db/database.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import { VoteRepository } from '../db/repositories/vote-repository.ts';
import { withTransaction } from '../db/transaction.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

export interface Voter {
  id: number;
}

export interface VoteResult {
  paperId: string;
  upvotes: number;
  upvoted: boolean;
}

export class VoteService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Upvotes (`on`) or withdraws the upvote; asking twice is the same as asking once. Throws
   * NotFoundError for an unknown paper and ForbiddenError for a hidden paper or a banned voter.
   */
  setVote(voter: Voter, paperId: string, on: boolean): Promise<VoteResult> {
    return withTransaction(this.handle, async (tx) => {
      const result = await castVote(tx, voter.id, paperId, on, this.now());
      if (result.changed) tx.noteWrite(); // anonymous cached pages render the new count
      return { paperId, upvotes: result.upvotes, upvoted: on };
    });
  }

  /** Which of `paperIds` the voter has upvoted (for pages that show pressed vote buttons). */
  votedAmong(voter: Voter, paperIds: string[]): Promise<Set<string>> {
    return new VoteRepository(this.handle).votedAmong(voter.id, paperIds);
  }
}

/**
 * The vote itself, for callers that already hold a transaction (a submission upvotes its own
 * paper). `tx` is that transaction.
 */
export async function castVote(
  tx: DatabaseHandle,
  userId: number,
  paperId: string,
  on: boolean,
  now: Date,
): Promise<{ upvotes: number; changed: boolean }> {
  const votes = new VoteRepository(tx);
  const state = await votes.lockPaper(paperId);
  if (state === 'missing') throw new NotFoundError(`no paper ${paperId}`);
  if (state === 'hidden') {
    throw new ForbiddenError('This paper has been hidden by the moderators, so it cannot be upvoted.');
  }
  if (!(await new UserRepository(tx).isActive(userId))) {
    throw new ForbiddenError('Your account has been suspended, so you cannot upvote papers.');
  }
  const moved = on
    ? await votes.add(userId, paperId, now.toISOString())
    : await votes.remove(userId, paperId);
  const counted = await votes.recount(paperId);
  return { upvotes: counted.upvotes, changed: moved || counted.changed };
}
