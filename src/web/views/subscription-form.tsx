// The email subscription form and its parts (schedule fields, time-zone list, notices), shared
// by /subscribe, the signed manage page and /settings/email.
import { CsrfField } from './csrf-field.tsx';

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

export const ZONES: string[] = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

export function Notice({ text }: { text: string | null | undefined }) {
  return text ? (
    <p class="form-notice" role="status">
      {text}
    </p>
  ) : null;
}

export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} class="form-error" role="alert">
      {text}
    </p>
  ) : null;
}

export function hourLabel(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

/** Delivery hour and time zone; `zoneFromBrowser` lets the script fill in the browser's zone. */
export function ScheduleFields(props: {
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

export function ZoneList() {
  return (
    <datalist id="pb-time-zones">
      {ZONES.map((z) => (
        <option value={z} />
      ))}
    </datalist>
  );
}

/** The subscription form: on /subscribe (with an address field) and in settings (own address). */
export function SubscribeForm(props: {
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
