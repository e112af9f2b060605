// The header's account row: "Sign in" for visitors (coming back to this page afterwards); for the
// signed-in, Submit, their profile, settings and a sign-out button.
import { isModerator, useViewer } from '../viewer-context.ts';
import { CsrfField } from './csrf-field.tsx';

export function AccountNav() {
  const { viewer, csrfToken, currentPath } = useViewer();
  if (!viewer) {
    const next = currentPath.startsWith('/signin') ? '' : `?next=${encodeURIComponent(currentPath)}`;
    return (
      <nav class="header-account" aria-label="Account">
        <a class="account-link" href={`/signin${next}`}>
          Sign in
        </a>
      </nav>
    );
  }
  return (
    <nav class="header-account" aria-label="Account">
      <a class="header-submit" href="/submit">
        Submit
      </a>
      <a class="account-link account-handle" href={`/u/${viewer.handle}`} title={viewer.displayName}>
        @{viewer.handle}
      </a>
      <a class="account-link" href="/settings">
        Settings
      </a>
      {isModerator(viewer) ? (
        <a class="account-link" href="/admin">
          Moderation
        </a>
      ) : null}
      {/* Signing out changes state, so it is a POST with a CSRF token, never a link. */}
      {csrfToken ? (
        <form class="signout-form" method="post" action="/signout">
          <CsrfField />
          <button class="account-link account-button" type="submit">
            Sign out
          </button>
        </form>
      ) : null}
    </nav>
  );
}
