// /admin/users (admins): find users, change their role, ban or unban them.
import type { UserListing } from '../../db/repositories/moderation-repository.ts';
import { profilePath } from '../paths.ts';
import { absoluteTime } from '../relative-time.ts';
import { useViewer } from '../viewer-context.ts';
import { AdminFrame, ReasonField } from './admin-frame.tsx';
import { CsrfField } from './csrf-field.tsx';
import { QueryPager } from './paged-list.tsx';

export interface AdminUsersPageProps {
  users: UserListing[];
  query: string;
  page: number;
  hasMore: boolean;
}

export function AdminUsersPage({ users, query, page, hasMore }: AdminUsersPageProps) {
  const { currentPath } = useViewer();
  return (
    <AdminFrame title="Users" current="users">
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <form class="admin-filter" method="get" action="/admin/users" role="search">
          <label for="users-q">Handle, name or email</label>
          <input id="users-q" class="text-input" type="search" name="q" value={query} maxLength={200} />
          <button class="btn" type="submit">
            Search
          </button>
        </form>
        {users.length === 0 ? <p class="empty-state">No users match “{query}”.</p> : null}
        <ul class="admin-users">
          {users.map((u) => (
            <UserRow user={u} back={currentPath} />
          ))}
        </ul>
        <QueryPager path="/admin/users" params={{ q: query || null }} page={page} hasMore={hasMore} />
      </section>
    </AdminFrame>
  );
}

function UserRow({ user, back }: { user: UserListing; back: string }) {
  const { viewer } = useViewer();
  const self = viewer?.id === user.id;
  const manageable = !self && user.role !== 'admin';
  return (
    <li class="admin-user" id={`user-${user.id}`}>
      <p class="admin-user-name">
        <a href={profilePath(user.handle)}>
          <bdi>{user.displayName}</bdi>
        </a>{' '}
        <span class="field-help">
          @{user.handle} · {user.email} · joined {absoluteTime(user.createdAt)} · {user.commentCount} comments
        </span>{' '}
        <span class={`role-badge role-${user.role}`}>{user.role}</span>
        {user.bannedAt ? <span class="comment-flag">banned {absoluteTime(user.bannedAt)}</span> : null}
      </p>
      {manageable ? (
        <div class="report-actions">
          <form class="moderation-form" method="post" action={`/admin/users/${user.id}/role`}>
            <CsrfField />
            <input type="hidden" name="next" value={`${back}#user-${user.id}`} />
            <input type="hidden" name="role" value={user.role === 'moderator' ? 'user' : 'moderator'} />
            <button class="btn" type="submit">
              {user.role === 'moderator' ? 'Make a regular user' : 'Make moderator'}
            </button>
          </form>
          {user.bannedAt ? (
            <form class="moderation-form" method="post" action={`/admin/users/${user.id}/unban`}>
              <CsrfField />
              <input type="hidden" name="next" value={`${back}#user-${user.id}`} />
              <ReasonField id={`unban-${user.id}-reason`} />
              <button class="btn" type="submit">
                Lift ban
              </button>
            </form>
          ) : (
            <details class="comment-action">
              <summary>Ban</summary>
              <form class="moderation-form" method="post" action={`/admin/users/${user.id}/ban`}>
                <CsrfField />
                <input type="hidden" name="next" value={`${back}#user-${user.id}`} />
                <ReasonField id={`ban-${user.id}-reason`} />
                <label class="choice">
                  <input type="checkbox" name="hideComments" value="on" /> Also hide all their comments
                </label>
                <button class="btn" type="submit">
                  Ban @{user.handle}
                </button>
              </form>
            </details>
          )}
        </div>
      ) : null}
    </li>
  );
}
