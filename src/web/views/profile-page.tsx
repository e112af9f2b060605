// A user's public profile: who they are, and their submissions, upvotes and comments in tabs that
// are plain links (?tab=), so the page works without JavaScript and every tab has its own address.
import type { Profile, ProfileComment, ProfileTab, ProfileUser } from '../../services/profile-service.ts';
import { feedAlternates, userFeedPath } from '../feeds/formats.ts';
import { SyndicationLinks } from '../feeds/syndication-links.tsx';
import { shortDate } from '../format.ts';
import { paperPath, profilePath } from '../paths.ts';
import { renderMathText } from '../render-math.ts';
import { useViewer } from '../viewer-context.ts';
import { Layout } from './layout.tsx';
import { pageHref, PaperCards, QueryPager } from './paged-list.tsx';
import { CommentBody } from './profile-comment-body.tsx';
import { ModerationControls } from './profile-moderation.tsx';

const TABS: { tab: ProfileTab; label: string; count: (p: Profile) => number }[] = [
  { tab: 'submitted', label: 'Submitted', count: (p) => p.counts.submitted },
  { tab: 'upvoted', label: 'Upvoted', count: (p) => p.counts.upvoted },
  { tab: 'comments', label: 'Comments', count: (p) => p.counts.comments },
];

export function ProfilePage({ profile, canonical }: { profile: Profile; canonical: string }) {
  const { user, list, page } = profile;
  const path = profilePath(user.handle);
  const tab = list.tab;
  const feedTitle = `Papers submitted by ${user.displayName}`;
  return (
    <Layout
      title={`${user.displayName} (@${user.handle})`}
      description={`${user.displayName} on paperboy: submitted papers, upvotes and comments.`}
      canonical={canonical}
      math
      alternates={feedAlternates(feedTitle, userFeedPath(user.handle))}
    >
      <section class="profile" aria-labelledby="profile-heading">
        <ProfileHeader user={user} />
        <nav class="tabs profile-tabs" aria-label="Profile sections">
          {TABS.map((t) => (
            <a
              class="tab"
              href={pageHref(path, { tab: t.tab === 'submitted' ? null : t.tab }, 0)}
              aria-current={t.tab === tab ? 'page' : undefined}
            >
              {t.label} <span class="tab-count">{t.count(profile).toLocaleString('en-US')}</span>
            </a>
          ))}
        </nav>
        <h2 class="visually-hidden">{TABS.find((t) => t.tab === tab)?.label}</h2>
        {list.tab === 'comments' ? (
          <CommentList comments={list.comments.items} />
        ) : (
          <PaperCards
            papers={list.papers}
            empty={
              list.tab === 'submitted'
                ? `${user.displayName} has not submitted any papers yet.`
                : `${user.displayName} has not upvoted any papers yet.`
            }
          />
        )}
        <QueryPager
          path={path}
          params={{ tab: tab === 'submitted' ? null : tab }}
          page={page}
          hasMore={list.tab === 'comments' ? list.comments.hasMore : list.papers.hasMore}
          moreLabel={list.tab === 'comments' ? 'Older comments' : 'More papers'}
        />
        <SyndicationLinks feed={userFeedPath(user.handle)} />
      </section>
    </Layout>
  );
}

function ProfileHeader({ user }: { user: ProfileUser }) {
  const { viewer } = useViewer();
  return (
    <header class="profile-header">
      <p class="eyebrow">Profile</p>
      <h1 id="profile-heading">{user.displayName}</h1>
      <p class="profile-meta">
        <span class="profile-handle">@{user.handle}</span>
        {user.role !== 'user' ? (
          <span class={`role-badge role-${user.role}`}>{user.role === 'admin' ? 'Admin' : 'Moderator'}</span>
        ) : null}
        <span>
          Joined <time dateTime={user.createdAt}>{shortDate(user.createdAt)}</time>
        </span>
        {viewer?.id === user.id ? <a href="/settings">Edit your profile</a> : null}
      </p>
      {user.bannedAt ? (
        <p class="profile-banned">
          This account is banned (since <time dateTime={user.bannedAt}>{shortDate(user.bannedAt)}</time>): it
          can no longer vote, comment or submit.
        </p>
      ) : null}
      <ModerationControls user={user} />
    </header>
  );
}

function CommentList({ comments }: { comments: ProfileComment[] }) {
  if (comments.length === 0) return <p class="empty-state">No comments yet.</p>;
  return (
    <ol class="profile-comments">
      {comments.map((c) => (
        <li>
          <article class="profile-comment" aria-labelledby={`profile-comment-${c.id}`}>
            <p class="profile-comment-meta" id={`profile-comment-${c.id}`}>
              {c.parentId === null ? 'On ' : 'Reply on '}
              <a
                href={`${paperPath(c.paperId)}#comment-${c.id}`}
                dangerouslySetInnerHTML={{ __html: renderMathText(c.paperTitle) }}
              />
              <span class="meta-sep" aria-hidden="true">
                {' · '}
              </span>
              <time dateTime={c.createdAt}>{shortDate(c.createdAt)}</time>
            </p>
            <CommentBody markdown={c.body} />
          </article>
        </li>
      ))}
    </ol>
  );
}
