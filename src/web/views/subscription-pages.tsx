// Email subscription pages: subscribe (double opt-in), confirm, unsubscribe (one click), manage by
// signed link, and /settings/email for signed-in users. Every form works without JavaScript;
// subscribe-zone.js only preselects the browser's time zone.
import type { Subscription } from '../../services/subscription-service.ts';
import { describe } from '../../services/subscription-service.ts';
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';

export interface SubscribeValues {
  email: string;
  kind: string;
  query: string;
  hour: string;
  timeZone: string;
}

export type FieldErrors = Partial<Record<keyof SubscribeValues | 'form', string>>;

export const DEFAULT_VALUES: SubscribeValues = {
  email: '',
  kind: 'daily',
  query: '',
  hour: '8',
  timeZone: 'UTC',
};

const ZONES: string[] = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

function Notice({ text }: { text: string | null | undefined }) {
  return text ? (
    <p class="form-notice" role="status">
      {text}
    </p>
  ) : null;
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} class="form-error" role="alert">
      {text}
    </p>
  ) : null;
}

function hourLabel(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

/** Delivery hour and time zone; `zoneFromBrowser` lets the script fill in the browser's zone. */
function ScheduleFields(props: {
  prefix: string;
  hour: string;
  timeZone: string;
  errors?: FieldErrors;
  zoneFromBrowser?: boolean;
}) {
  const { prefix, errors = {} } = props;
  return (
    <div class="subscribe-schedule">
      <div>
        <label for={`${prefix}-hour`}>Delivery hour</label>
        <select
          id={`${prefix}-hour`}
          class="text-input"
          name="hour"
          aria-invalid={errors.hour ? 'true' : undefined}
        >
          {Array.from({ length: 24 }, (_, h) => (
            <option value={String(h)} selected={String(h) === props.hour}>
              {hourLabel(h)}
            </option>
          ))}
        </select>
        <FieldError id={`${prefix}-hour-error`} text={errors.hour} />
      </div>
      <div>
        <label for={`${prefix}-zone`}>Time zone</label>
        <input
          id={`${prefix}-zone`}
          class="text-input"
          name="timeZone"
          list="pb-time-zones"
          value={props.timeZone}
          required
          maxLength={64}
          autocomplete="off"
          data-browser-zone={props.zoneFromBrowser ? '' : undefined}
          aria-invalid={errors.timeZone ? 'true' : undefined}
          aria-describedby={errors.timeZone ? `${prefix}-zone-error` : `${prefix}-zone-help`}
        />
        <p id={`${prefix}-zone-help`} class="field-help">
          A name such as Europe/Berlin, America/New_York or UTC.
        </p>
        <FieldError id={`${prefix}-zone-error`} text={errors.timeZone} />
      </div>
    </div>
  );
}

function ZoneList() {
  return (
    <datalist id="pb-time-zones">
      {ZONES.map((z) => (
        <option value={z} />
      ))}
    </datalist>
  );
}

/** The subscription form: on /subscribe (with an address field) and in settings (own address). */
function SubscribeForm(props: {
  action: string;
  values: SubscribeValues;
  errors: FieldErrors;
  withEmail: boolean;
  zoneFromBrowser: boolean;
}) {
  const { values, errors } = props;
  return (
    <form class="auth-form subscribe-form" method="post" action={props.action}>
      <CsrfField />
      {props.withEmail ? (
        <>
          <label for="subscribe-email">Email address</label>
          <input
            id="subscribe-email"
            class="text-input"
            type="email"
            name="email"
            value={values.email}
            required
            maxLength={254}
            autocomplete="email"
            aria-invalid={errors.email ? 'true' : undefined}
            aria-describedby={errors.email ? 'subscribe-email-error' : undefined}
          />
          <FieldError id="subscribe-email-error" text={errors.email} />
        </>
      ) : null}
      <fieldset class="subscribe-kinds">
        <legend>What to send</legend>
        {(
          [
            [
              'daily',
              'Daily digest',
              "the day's papers, most upvoted first (nothing on days without papers)",
            ],
            ['weekly', 'Weekly digest', 'the top papers of the past week, on Mondays'],
            ['topic', 'Topic alert', 'new papers matching a search, once a day when there are any'],
          ] as const
        ).map(([value, label, help]) => (
          <label class="subscribe-kind">
            <input type="radio" name="kind" value={value} checked={values.kind === value} />{' '}
            <strong>{label}</strong> <span class="muted">— {help}</span>
          </label>
        ))}
        <FieldError id="subscribe-kind-error" text={errors.kind} />
      </fieldset>
      <label for="subscribe-query">Search query (topic alerts)</label>
      <input
        id="subscribe-query"
        class="text-input"
        name="query"
        value={values.query}
        maxLength={300}
        placeholder='e.g. "graph neural networks" cat:cs.LG'
        aria-invalid={errors.query ? 'true' : undefined}
        aria-describedby={errors.query ? 'subscribe-query-error' : 'subscribe-query-help'}
      />
      <p id="subscribe-query-help" class="field-help">
        The <a href="/search">search</a> language: words, "phrases", -exclusions, OR, author:, cat:cs.LG,
        has:code.
      </p>
      <FieldError id="subscribe-query-error" text={errors.query} />
      <ScheduleFields
        prefix="subscribe"
        hour={values.hour}
        timeZone={values.timeZone}
        errors={errors}
        zoneFromBrowser={props.zoneFromBrowser}
      />
      <button class="btn btn-primary" type="submit">
        Subscribe
      </button>
    </form>
  );
}

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
