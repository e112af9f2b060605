// The magic-link sign-in pages: ask for an address, say a link was sent, confirm before using a
// link (mail scanners that prefetch links must not burn it), and explain links that no longer work.
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';

export interface SigninPageProps {
  next: string;
  email: string;
  error: string | null;
}

export function SigninPage({ next, email, error }: SigninPageProps) {
  return (
    <Layout title="Sign in">
      <section class="auth-panel" aria-labelledby="signin-heading">
        <h1 id="signin-heading">Sign in</h1>
        <p>
          Enter your email address and we will send you a link that signs you in. There is no password; a new
          address gets an account when its link is first used.
        </p>
        <form class="auth-form" method="post" action="/signin">
          <CsrfField />
          <input type="hidden" name="next" value={next} />
          <label for="signin-email">Email address</label>
          <input
            id="signin-email"
            class="text-input"
            type="email"
            name="email"
            value={email}
            required
            maxLength={254}
            autocomplete="email"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'signin-error' : undefined}
          />
          {error ? (
            <p id="signin-error" class="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button class="btn btn-primary" type="submit">
            Email me a sign-in link
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function SigninSentPage({ email, minutes }: { email: string; minutes: number }) {
  return (
    <Layout title="Check your email">
      <section class="auth-panel" aria-labelledby="sent-heading">
        <h1 id="sent-heading">Check your email</h1>
        <p role="status">
          If <strong>{email}</strong> can receive mail, a sign-in link is on its way. It works once, within{' '}
          {minutes} minutes.
        </p>
        <p>
          Nothing arrived? Look in your spam folder, or <a href="/signin">ask for another link</a>.
        </p>
      </section>
    </Layout>
  );
}

export function VerifyPage({ token, email }: { token: string; email: string }) {
  return (
    <Layout title="Sign in">
      <section class="auth-panel" aria-labelledby="verify-heading">
        <h1 id="verify-heading">Sign in to paperboy</h1>
        <p>
          You are signing in as <strong>{email}</strong>.
        </p>
        <form class="auth-form" method="post" action="/signin/verify">
          <CsrfField />
          <input type="hidden" name="token" value={token} />
          <button class="btn btn-primary" type="submit">
            Sign in
          </button>
        </form>
      </section>
    </Layout>
  );
}

export type LinkProblem = 'unknown' | 'used' | 'expired' | 'banned';

const PROBLEMS: Record<LinkProblem, { title: string; text: string }> = {
  unknown: {
    title: 'This sign-in link does not work',
    text: 'The link is incomplete or was never sent by this site. Copy the whole link from the email, or ask for a new one.',
  },
  used: {
    title: 'This sign-in link was already used',
    text: 'Each link signs in once. Ask for a new link to sign in again.',
  },
  expired: {
    title: 'This sign-in link has expired',
    text: 'Links work for a short time only. Ask for a new one.',
  },
  banned: {
    title: 'This account is suspended',
    text: 'The moderators of this site have suspended this account, so it cannot sign in. Contact the site’s administrators if you think this is a mistake.',
  },
};

export function LinkProblemPage({ problem }: { problem: LinkProblem }) {
  const { title, text } = PROBLEMS[problem];
  return (
    <Layout title={title}>
      <section class="auth-panel" aria-labelledby="problem-heading">
        <h1 id="problem-heading">{title}</h1>
        <p>{text}</p>
        {problem === 'banned' ? null : (
          <p>
            <a class="btn btn-primary" href="/signin">
              Get a new sign-in link
            </a>
          </p>
        )}
      </section>
    </Layout>
  );
}
