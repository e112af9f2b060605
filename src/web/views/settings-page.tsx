// Account settings: profile, sessions, API tokens. Every form posts with a CSRF token and works
// without JavaScript.
import type { ApiTokenSummary } from '../../db/repositories/api-token-repository.ts';
import { describeUserAgent } from '../../domain/user-agent.ts';
import type { SessionSummary } from '../../services/account-service.ts';
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';

export interface SettingsPageProps {
  email: string;
  handle: string;
  displayName: string;
  sessions: SessionSummary[];
  tokens: ApiTokenSummary[];
  /** A just-created token, shown this once. */
  newToken: { name: string; token: string } | null;
  /** What the last action did, announced at the top. */
  notice: string | null;
  errors: { handle?: string; displayName?: string; name?: string };
}

function when(iso: string | null): string {
  if (!iso) return 'never';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function SettingsPage(props: SettingsPageProps) {
  const { errors } = props;
  return (
    <Layout title="Settings">
      <div class="settings">
        <h1>Settings</h1>
        {props.notice ? (
          <p class="form-notice" role="status">
            {props.notice}
          </p>
        ) : null}

        <section class="settings-section" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <p class="muted">
            Signed in as <strong>{props.email}</strong>. Your handle is your public address:{' '}
            <a href={`/u/${props.handle}`}>/u/{props.handle}</a>.
          </p>
          <form class="auth-form" method="post" action="/settings/profile">
            <CsrfField />
            <label for="settings-display-name">Display name</label>
            <input
              id="settings-display-name"
              class="text-input"
              name="displayName"
              value={props.displayName}
              required
              maxLength={60}
              aria-invalid={errors.displayName ? 'true' : undefined}
              aria-describedby={errors.displayName ? 'display-name-error' : undefined}
            />
            {errors.displayName ? (
              <p id="display-name-error" class="form-error" role="alert">
                {errors.displayName}
              </p>
            ) : null}
            <label for="settings-handle">Handle</label>
            <input
              id="settings-handle"
              class="text-input"
              name="handle"
              value={props.handle}
              required
              minLength={2}
              maxLength={30}
              pattern="[a-z0-9_\-]{2,30}"
              autocapitalize="none"
              spellcheck={false}
              aria-invalid={errors.handle ? 'true' : undefined}
              aria-describedby={errors.handle ? 'handle-error handle-help' : 'handle-help'}
            />
            <p id="handle-help" class="field-help">
              2–30 characters: lower-case letters, digits, “_” and “-”.
            </p>
            {errors.handle ? (
              <p id="handle-error" class="form-error" role="alert">
                {errors.handle}
              </p>
            ) : null}
            <button class="btn btn-primary" type="submit">
              Save profile
            </button>
          </form>
        </section>

        <section class="settings-section" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Where you are signed in</h2>
          <ul class="settings-list">
            {props.sessions.map((s) => (
              <li>
                <span class="settings-item-name" title={s.userAgent ?? undefined}>
                  {describeUserAgent(s.userAgent)}
                </span>
                <span class="muted">
                  signed in {when(s.createdAt)} · last seen {when(s.lastSeenAt)}
                  {s.current ? ' · this browser' : ''}
                </span>
              </li>
            ))}
          </ul>
          <div class="settings-actions">
            <form method="post" action="/signout">
              <CsrfField />
              <button class="btn" type="submit">
                Sign out here
              </button>
            </form>
            <form method="post" action="/signout/everywhere">
              <CsrfField />
              <button class="btn" type="submit">
                Sign out everywhere
              </button>
            </form>
          </div>
        </section>

        <section class="settings-section" aria-labelledby="email-heading">
          <h2 id="email-heading">Email</h2>
          <p class="muted">
            Daily or weekly digests and topic alerts:{' '}
            <a href="/settings/email">manage your email subscriptions</a>.
          </p>
        </section>

        <section class="settings-section" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">API tokens</h2>
          <p class="muted">
            A token lets a script use the <a href="/api">API</a> as you: send it as{' '}
            <code>Authorization: Bearer pb_…</code>.
          </p>
          {props.newToken ? (
            <div class="token-reveal" role="status">
              <p>Your new token “{props.newToken.name}”. Copy it now: it will not be shown again.</p>
              <label for="new-token" class="visually-hidden">
                New API token
              </label>
              <input id="new-token" class="text-input token-value" readOnly value={props.newToken.token} />
            </div>
          ) : null}
          {props.tokens.length === 0 ? (
            <p>You have no API tokens.</p>
          ) : (
            <ul class="settings-list">
              {props.tokens.map((t) => (
                <li>
                  <span class="settings-item-name">
                    {t.name} <code>{t.prefix}…</code>
                  </span>
                  <span class="muted">
                    created {when(t.createdAt)} · last used {when(t.lastUsedAt)}
                  </span>
                  <form method="post" action={`/settings/tokens/${t.id}/revoke`}>
                    <CsrfField />
                    <button class="btn" type="submit" aria-label={`Revoke token ${t.name}`}>
                      Revoke
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
          <form class="auth-form" method="post" action="/settings/tokens">
            <CsrfField />
            <label for="token-name">New token name</label>
            <input
              id="token-name"
              class="text-input"
              name="name"
              required
              maxLength={60}
              placeholder="e.g. laptop script"
              aria-invalid={errors.name ? 'true' : undefined}
              aria-describedby={errors.name ? 'token-name-error' : undefined}
            />
            {errors.name ? (
              <p id="token-name-error" class="form-error" role="alert">
                {errors.name}
              </p>
            ) : null}
            <button class="btn btn-primary" type="submit">
              Create token
            </button>
          </form>
        </section>
      </div>
    </Layout>
  );
}
