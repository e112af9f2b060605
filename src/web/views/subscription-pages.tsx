// Email subscription pages: subscribe (double opt-in), confirm, unsubscribe (one click), manage by
// signed link, and /settings/email for signed-in users. Every form works without JavaScript;
// subscribe-zone.js only preselects the browser's time zone.
import type { Subscription } from '../../services/subscription-service.ts';
import { describe } from '../../services/subscription-service.ts';
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';
import {
  FieldError,
  hourLabel,
  Notice,
  ScheduleFields,
  SubscribeForm,
  ZoneList,
} from './subscription-form.tsx';
import type { FieldErrors, SubscribeValues } from './subscription-form.tsx';

export function SubscribePage(props: {
  values: SubscribeValues;
  errors: FieldErrors;
  zoneFromBrowser: boolean;
}) {
  return (
    <Layout title="Subscribe by email">
      <div class="settings">
        <h1>Papers by email</h1>
        <p>
          Get the day's papers, the week's top papers, or alerts for a topic in your inbox. No account needed:
          we mail you a link to confirm, and every mail has a link to unsubscribe in one click.
        </p>
        <FieldError id="subscribe-form-error" text={props.errors.form} />
        <SubscribeForm
          action="/subscribe"
          values={props.values}
          errors={props.errors}
          withEmail
          zoneFromBrowser={props.zoneFromBrowser}
        />
        <ZoneList />
      </div>
      <script src="/assets/subscribe-zone.js" defer></script>
    </Layout>
  );
}

export function SubscribeSentPage(props: {
  email: string;
  what: string;
  confirmed: boolean;
  manageUrl: string | null;
}) {
  return (
    <Layout title={props.confirmed ? 'Subscribed' : 'Check your inbox'}>
      <div class="settings">
        <h1>{props.confirmed ? 'You are subscribed' : 'Check your inbox'}</h1>
        {props.confirmed ? (
          <p>
            <strong>{props.email}</strong> already receives {props.what}.
          </p>
        ) : (
          <p role="status">
            We sent a confirmation link to <strong>{props.email}</strong>. Open it to start receiving{' '}
            {props.what}. Nothing is sent until then.
          </p>
        )}
        {props.manageUrl ? (
          <p>
            <a href={props.manageUrl}>Manage your subscriptions</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
}

export function ConfirmPage(props: {
  token: string;
  sub: Subscription;
  confirmed: boolean;
  manageUrl: string | null;
}) {
  const what = describe(props.sub);
  return (
    <Layout title={props.confirmed ? 'Subscription confirmed' : 'Confirm your subscription'}>
      <div class="settings">
        <h1>{props.confirmed ? 'Subscription confirmed' : 'Confirm your subscription'}</h1>
        {props.confirmed ? (
          <>
            <p role="status">
              <strong>{props.sub.email}</strong> will receive {what}, at {hourLabel(props.sub.deliverHour)} (
              {props.sub.timeZone}).
            </p>
            {props.manageUrl ? (
              <p>
                <a href={props.manageUrl}>Manage your subscriptions</a>
              </p>
            ) : null}
          </>
        ) : (
          <form class="auth-form" method="post" action={`/subscribe/confirm/${props.token}`}>
            <CsrfField />
            <p>
              Send {what} to <strong>{props.sub.email}</strong>?
            </p>
            <button class="btn btn-primary" type="submit">
              Confirm subscription
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}

export function UnsubscribePage(props: {
  token: string;
  sub: Subscription;
  done: boolean;
  manageUrl: string;
}) {
  const what = describe(props.sub);
  return (
    <Layout title={props.done ? 'Unsubscribed' : 'Unsubscribe'}>
      <div class="settings">
        <h1>{props.done ? 'Unsubscribed' : 'Unsubscribe'}</h1>
        {props.done ? (
          <p role="status">
            <strong>{props.sub.email}</strong> will no longer receive {what}.
          </p>
        ) : (
          <form class="auth-form" method="post" action={`/unsubscribe/${props.token}`}>
            <p>
              Stop sending {what} to <strong>{props.sub.email}</strong>?
            </p>
            <button class="btn btn-primary" type="submit">
              Unsubscribe
            </button>
          </form>
        )}
        <p>
          <a href={props.manageUrl}>Manage all subscriptions of this address</a>
        </p>
      </div>
    </Layout>
  );
}

function SubscriptionItems(props: {
  subscriptions: Subscription[];
  actionBase: string;
  label: (s: Subscription) => string;
}) {
  if (props.subscriptions.length === 0) return <p class="muted">No subscriptions.</p>;
  return (
    <ul class="settings-list subscription-list">
      {props.subscriptions.map((s) => (
        <li>
          <div>
            <span class="settings-item-name">{props.label(s)}</span>{' '}
            <span class="muted">
              {s.confirmed ? `at ${hourLabel(s.deliverHour)} ${s.timeZone}` : 'waiting for confirmation'}
              {s.paused ? ' · paused: mail to this address keeps failing' : ''}
            </span>
          </div>
          <form class="inline-form" method="post" action={`${props.actionBase}/${s.id}`}>
            <CsrfField />
            <ScheduleFields prefix={`sub-${s.id}`} hour={String(s.deliverHour)} timeZone={s.timeZone} />
            <button class="btn" type="submit" aria-label={`Save the schedule of ${props.label(s)}`}>
              Save
            </button>
          </form>
          <form class="inline-form" method="post" action={`${props.actionBase}/${s.id}/remove`}>
            <CsrfField />
            <button class="btn" type="submit" aria-label={`Unsubscribe from ${props.label(s)}`}>
              Unsubscribe
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

function label(s: Subscription): string {
  if (s.kind === 'daily') return 'Daily digest';
  if (s.kind === 'weekly') return 'Weekly digest';
  return `Topic alert: ${s.query ?? ''}`;
}

export function ManagePage(props: {
  email: string;
  token: string;
  subscriptions: Subscription[];
  notice: string | null;
  error: string | null;
}) {
  return (
    <Layout title="Your subscriptions">
      <div class="settings">
        <h1>Subscriptions of {props.email}</h1>
        <Notice text={props.notice} />
        <FieldError id="manage-error" text={props.error ?? undefined} />
        <SubscriptionItems
          subscriptions={props.subscriptions}
          actionBase={`/subscriptions/manage/${props.token}`}
          label={label}
        />
        <p>
          <a href="/subscribe">Add a subscription</a>
        </p>
        <ZoneList />
      </div>
    </Layout>
  );
}

export function EmailSettingsPage(props: {
  email: string | null;
  subscriptions: Subscription[];
  values: SubscribeValues;
  errors: FieldErrors;
  notice: string | null;
}) {
  return (
    <Layout title="Email settings">
      <div class="settings">
        <h1>Email</h1>
        <p>
          <a href="/settings">← Settings</a>
        </p>
        <Notice text={props.notice} />
        <section class="settings-section" aria-labelledby="subs-heading">
          <h2 id="subs-heading">Your subscriptions</h2>
          {props.email ? (
            <p class="muted">
              Sent to <strong>{props.email}</strong>.
            </p>
          ) : null}
          <FieldError id="settings-email-error" text={props.errors.form} />
          <SubscriptionItems subscriptions={props.subscriptions} actionBase="/settings/email" label={label} />
        </section>
        <section class="settings-section" aria-labelledby="add-heading">
          <h2 id="add-heading">Add a subscription</h2>
          <SubscribeForm
            action="/settings/email"
            values={props.values}
            errors={props.errors}
            withEmail={false}
            zoneFromBrowser={false}
          />
        </section>
        <ZoneList />
      </div>
    </Layout>
  );
}
