// Ban and unban controls on a profile, for the moderators allowed to act on this user (not on
// themselves, an admin, or, unless they are an admin, another moderator: the same rule the
// moderation service enforces). They post to the moderation routes and come back to the profile.
import { mayModerateUser } from '../../domain/comment-rules.ts';
import type { ProfileUser } from '../../services/profile-service.ts';
import { profilePath } from '../paths.ts';
import { useViewer } from '../viewer-context.ts';
import { ReasonField } from './admin-frame.tsx';
import { CsrfField } from './csrf-field.tsx';

export function ModerationControls({ user }: { user: ProfileUser }) {
  const { viewer } = useViewer();
  if (!viewer || !mayModerateUser(viewer, user)) return null;
  const action = `/admin/users/${user.id}`;
  const back = profilePath(user.handle);
  if (user.bannedAt) {
    return (
      <form class="moderation-form profile-moderation" method="post" action={`${action}/unban`}>
        <CsrfField />
        <input type="hidden" name="next" value={back} />
        <ReasonField id="profile-unban-reason" />
        <button class="btn" type="submit">
          Lift the ban on @{user.handle}
        </button>
      </form>
    );
  }
  return (
    <details class="comment-action profile-moderation">
      <summary>Ban @{user.handle}</summary>
      <form class="moderation-form" method="post" action={`${action}/ban`}>
        <CsrfField />
        <input type="hidden" name="next" value={back} />
        <ReasonField id="profile-ban-reason" />
        <label class="choice">
          <input type="checkbox" name="hideComments" value="on" /> Also hide all their comments
        </label>
        <button class="btn" type="submit">
          Ban @{user.handle}
        </button>
      </form>
    </details>
  );
}
