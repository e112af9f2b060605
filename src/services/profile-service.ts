// Public profiles: a user's identity and what they did in the open (submissions, upvotes, comments).
import type { Page } from '../db/repositories/listing-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import type {
  ProfileComment,
  ProfileCounts,
  ProfileRepository,
  ProfileUser,
} from '../db/repositories/profile-repository.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { MAX_PAGE, PAGE_SIZE } from './feed-service.ts';

export type { ProfileComment, ProfileCounts, ProfileUser } from '../db/repositories/profile-repository.ts';

export const PROFILE_TABS = ['submitted', 'upvoted', 'comments'] as const;
export type ProfileTab = (typeof PROFILE_TABS)[number];

export type ProfileList =
  | { tab: 'submitted' | 'upvoted'; papers: Page<PaperSummary> }
  | { tab: 'comments'; comments: Page<ProfileComment> };

export interface Profile {
  user: ProfileUser;
  counts: ProfileCounts;
  page: number;
  list: ProfileList;
}

export class ProfileService {
  constructor(private readonly profiles: ProfileRepository) {}

  /** The tab name from a query parameter: absent means submitted; anything unknown is an error. */
  static parseTab(raw: string | undefined): ProfileTab {
    if (raw === undefined || raw === '') return 'submitted';
    if ((PROFILE_TABS as readonly string[]).includes(raw)) return raw as ProfileTab;
    throw new InvalidInputError(`tab must be one of ${PROFILE_TABS.join(', ')}`, 'tab');
  }

  async user(handle: string): Promise<ProfileUser> {
    const user = await this.profiles.userByHandle(handle);
    if (!user) throw new NotFoundError(`no user ${handle}`);
    return user;
  }

  async profile(handle: string, tab: ProfileTab, page: number): Promise<Profile> {
    checkPage(page);
    const user = await this.user(handle);
    const offset = page * PAGE_SIZE;
    const [counts, list] = await Promise.all([
      this.profiles.counts(user.id),
      this.list(user.id, tab, offset),
    ]);
    return { user, counts, page, list };
  }

  /** The ids of the user's newest submissions, for their feed. */
  async submissions(handle: string, limit: number): Promise<{ user: ProfileUser; papers: PaperSummary[] }> {
    const user = await this.user(handle);
    return { user, papers: (await this.profiles.submitted(user.id, limit, 0)).items };
  }

  private async list(userId: number, tab: ProfileTab, offset: number): Promise<ProfileList> {
    if (tab === 'comments') {
      return { tab, comments: await this.profiles.comments(userId, PAGE_SIZE, offset) };
    }
    const papers =
      tab === 'submitted'
        ? await this.profiles.submitted(userId, PAGE_SIZE, offset)
        : await this.profiles.upvoted(userId, PAGE_SIZE, offset);
    return { tab, papers };
  }
}

function checkPage(page: number): void {
  if (!Number.isInteger(page) || page < 0 || page > MAX_PAGE) {
    throw new InvalidInputError(`page must be a whole number from 0 to ${MAX_PAGE}`, 'p');
  }
}
