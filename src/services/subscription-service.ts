// Subscriptions to digests and topic alerts. Anyone may subscribe an address (double opt-in: a
// signed confirmation link is mailed, nothing else is sent until it is opened); a signed-in user
// subscribing their own verified address is confirmed at once. Every mail carries signed links
// to unsubscribe and to manage the address's subscriptions, so none of it needs a sign-in.
import type { DatabaseHandle } from '../db/database.ts';
import type { SubscriptionRepository, SubscriptionRow } from '../db/repositories/subscription-repository.ts';
import { recentUnconfirmed, userEmail } from '../db/repositories/subscription-repository.ts';
import { emailProblem, normalizeEmail } from '../domain/account-rules.ts';
import type { SubscriptionKind } from '../domain/digest-schedule.ts';
import { isTimeZone, SUBSCRIPTION_KINDS } from '../domain/digest-schedule.ts';
import { parseSearchQuery, QueryError } from '../domain/search-query.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, RateLimitedError } from './errors.ts';
import type { MailTokens } from './mail-tokens.ts';

export interface SubscriptionRequest {
  email: string;
  kind: string;
  query?: string | null;
  hour: string | number;
  timeZone: string;
}

export interface Subscription {
  id: number;
  email: string;
  kind: SubscriptionKind;
  query: string | null;
  deliverHour: number;
  timeZone: string;
  confirmed: boolean;
  paused: boolean;
  lastError: string | null;
}

export type SubscribeOutcome =
  | { status: 'confirmation-sent'; subscription: Subscription }
  | { status: 'subscribed'; subscription: Subscription };

/** Confirmation mails one address may be sent per day (someone typing another's address). */
export const MAX_UNCONFIRMED_PER_DAY = 5;
export const MAX_SUBSCRIPTIONS_PER_ADDRESS = 50;
const MAX_ALERT_QUERY = 300;

export class SubscriptionService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly repo: SubscriptionRepository,
    private readonly tokens: MailTokens,
    private readonly mail: MailTransport,
    private readonly baseUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Subscribes an address; signed-in users pass their id and, for their own address, skip the mail. */
  async subscribe(request: SubscriptionRequest, userId: number | null = null): Promise<SubscribeOutcome> {
    const email = normalizeEmail(request.email);
    const problem = emailProblem(email);
    if (problem) throw new InvalidInputError(problem, 'email');
    const valid = validate(request);
    const own = userId !== null && (await userEmail(this.handle, userId)) === email;
    const existing = (await this.repo.activeForEmail(email)).find(
      (s) => s.kind === valid.kind && (s.query ?? '') === (valid.query ?? ''),
    );
    if (existing && (existing.confirmedAt !== null || !own)) {
      // The same subscription again: keep one; change its schedule only when the change is safe
      // (confirmed by its owner now, or not yet confirmed at all).
      if (own || existing.confirmedAt === null)
        await this.repo.updateSchedule(existing.id, valid.deliverHour, valid.timeZone);
      if (existing.confirmedAt === null) await this.sendConfirmation(existing);
      const fresh = (await this.repo.findById(existing.id))!;
      return {
        status: existing.confirmedAt === null ? 'confirmation-sent' : 'subscribed',
        subscription: toSubscription(fresh),
      };
    }
    if (existing) {
      await this.repo.confirm(existing.id, this.iso());
      return { status: 'subscribed', subscription: toSubscription((await this.repo.findById(existing.id))!) };
    }
    const all = await this.repo.activeForEmail(email);
    if (all.length >= MAX_SUBSCRIPTIONS_PER_ADDRESS) {
      throw new InvalidInputError(
        `An address can have at most ${MAX_SUBSCRIPTIONS_PER_ADDRESS} subscriptions.`,
        'email',
      );
    }
    if (!own) {
      const since = new Date(this.now().getTime() - 24 * 3600_000).toISOString();
      if ((await recentUnconfirmed(this.handle, email, since)) >= MAX_UNCONFIRMED_PER_DAY) {
        throw new RateLimitedError(
          'Several confirmation mails went to this address today. Please confirm one of them, or try again tomorrow.',
          3600,
        );
      }
    }
    const row = await this.repo.create({
      email,
      userId: own ? userId : null,
      ...valid,
      confirmedAt: own ? this.iso() : null,
      createdAt: this.iso(),
    });
    if (own) return { status: 'subscribed', subscription: toSubscription(row) };
    await this.sendConfirmation(row);
    return { status: 'confirmation-sent', subscription: toSubscription(row) };
  }

  /** Opens a confirmation link. */
  async confirm(token: string): Promise<Subscription> {
    const id = this.tokens.verify('confirm', token);
    const row = id === null ? undefined : await this.repo.findById(id);
    if (!row || row.unsubscribedAt !== null)
      throw new NotFoundError('This confirmation link is not valid (any more).');
    if (row.confirmedAt === null) await this.repo.confirm(row.id, this.iso());
    return toSubscription((await this.repo.findById(row.id))!);
  }

  /** What a confirmation link names, for the page with the confirm button. */
  async pendingConfirmation(token: string): Promise<Subscription> {
    const id = this.tokens.verify('confirm', token);
    const row = id === null ? undefined : await this.repo.findById(id);
    if (!row || row.unsubscribedAt !== null)
      throw new NotFoundError('This confirmation link is not valid (any more).');
    return toSubscription(row);
  }

  /** What an unsubscribe link names, for its confirmation page. */
  async byUnsubscribeToken(token: string): Promise<Subscription & { unsubscribed: boolean }> {
    const row = await this.rowFor('unsubscribe', token);
    return { ...toSubscription(row), unsubscribed: row.unsubscribedAt !== null };
  }

  /** One-click unsubscribe (RFC 8058); doing it twice is fine. */
  async unsubscribe(token: string): Promise<Subscription> {
    const row = await this.rowFor('unsubscribe', token);
    await this.repo.unsubscribe(row.id, this.iso());
    return toSubscription(row);
  }

  /** The address and live subscriptions a manage link opens. */
  async manage(token: string): Promise<{ email: string; subscriptions: Subscription[]; token: string }> {
    const row = await this.rowFor('manage', token);
    const subs = await this.repo.activeForEmail(row.email);
    return { email: row.email, subscriptions: subs.map(toSubscription), token };
  }

  /** Changes hour and zone of one subscription of the manage link's address. */
  async updateByManageToken(
    token: string,
    id: number,
    hour: string | number,
    timeZone: string,
  ): Promise<void> {
    const target = await this.ownedByManageToken(token, id);
    const schedule = validateSchedule(hour, timeZone);
    await this.repo.updateSchedule(target.id, schedule.deliverHour, schedule.timeZone);
  }

  async removeByManageToken(token: string, id: number): Promise<void> {
    const target = await this.ownedByManageToken(token, id);
    await this.repo.unsubscribe(target.id, this.iso());
  }

  /** The manage link to show after confirming and in settings. */
  manageUrl(subscriptionId: number): string {
    return `${this.baseUrl}/subscriptions/manage/${this.tokens.sign('manage', subscriptionId)}`;
  }

  manageToken(subscriptionId: number): string {
    return this.tokens.sign('manage', subscriptionId);
  }

  // Signed-in users ------------------------------------------------------------------------

  async forUser(userId: number): Promise<{ email: string | null; subscriptions: Subscription[] }> {
    const email = await userEmail(this.handle, userId);
    const own = await this.repo.activeForUser(userId);
    // Subscriptions made for the same address before signing up belong to the user too.
    const byEmail = email ? await this.repo.activeForEmail(email) : [];
    const seen = new Set(own.map((s) => s.id));
    return { email, subscriptions: [...own, ...byEmail.filter((s) => !seen.has(s.id))].map(toSubscription) };
  }

  async updateForUser(userId: number, id: number, hour: string | number, timeZone: string): Promise<void> {
    const target = await this.ownedByUser(userId, id);
    const schedule = validateSchedule(hour, timeZone);
    await this.repo.updateSchedule(target.id, schedule.deliverHour, schedule.timeZone);
  }

  async removeForUser(userId: number, id: number): Promise<void> {
    const target = await this.ownedByUser(userId, id);
    await this.repo.unsubscribe(target.id, this.iso());
  }

  // Administration -------------------------------------------------------------------------

  async paused(): Promise<Subscription[]> {
    return (await this.repo.paused()).map(toSubscription);
  }

  async resume(id: number): Promise<void> {
    if (!(await this.repo.resume(id))) throw new NotFoundError('No paused subscriber with this id.');
  }

  // ----------------------------------------------------------------------------------------

  private async sendConfirmation(row: SubscriptionRow): Promise<void> {
    const link = `${this.baseUrl}/subscribe/confirm/${this.tokens.sign('confirm', row.id)}`;
    const what = describe(toSubscription(row));
    await this.mail.send({
      to: row.email,
      subject: 'Confirm your paperboy subscription',
      text: [
        `Someone (we hope you) asked paperboy to send ${what} to this address.`,
        '',
        `Confirm it here: ${link}`,
        '',
        'If it was not you, ignore this mail: nothing will be sent without the confirmation.',
      ].join('\n'),
      html: `<p>Someone (we hope you) asked paperboy to send ${escapeHtml(what)} to this address.</p>
<p><a href="${escapeHtml(link)}">Confirm the subscription</a></p>
<p>If it was not you, ignore this mail: nothing will be sent without the confirmation.</p>`,
    });
  }

  private async rowFor(purpose: 'unsubscribe' | 'manage', token: string): Promise<SubscriptionRow> {
    const id = this.tokens.verify(purpose, token);
    const row = id === null ? undefined : await this.repo.findById(id);
    if (!row) throw new NotFoundError('This link is not valid. Use the newest link from a paperboy mail.');
    return row;
  }

  private async ownedByManageToken(token: string, id: number): Promise<SubscriptionRow> {
    const owner = await this.rowFor('manage', token);
    const target = await this.repo.findById(id);
    if (!target || target.email !== owner.email || target.unsubscribedAt !== null)
      throw new NotFoundError('No such subscription for this address.');
    return target;
  }

  private async ownedByUser(userId: number, id: number): Promise<SubscriptionRow> {
    const target = await this.repo.findById(id);
    const email = await userEmail(this.handle, userId);
    if (!target || target.unsubscribedAt !== null) throw new NotFoundError('No such subscription.');
    if (target.userId !== userId && target.email !== email)
      throw new ForbiddenError('This subscription is not yours.');
    return target;
  }

  private iso(): string {
    return this.now().toISOString();
  }
}

/** "the daily digest", "topic alerts for “graph neural networks”". */
export function describe(sub: Pick<Subscription, 'kind' | 'query'>): string {
  if (sub.kind === 'daily') return 'the daily digest of new papers';
  if (sub.kind === 'weekly') return 'the weekly digest of top papers';
  return `topic alerts for “${sub.query ?? ''}”`;
}

function validate(request: SubscriptionRequest) {
  if (!SUBSCRIPTION_KINDS.includes(request.kind as SubscriptionKind)) {
    throw new InvalidInputError('Choose a daily digest, a weekly digest or a topic alert.', 'kind');
  }
  const kind = request.kind as SubscriptionKind;
  let query: string | null = null;
  if (kind === 'topic') {
    // Control characters go, as the query language ignores them (and PostgreSQL cannot store NUL).
    query = (request.query ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (query === '')
      throw new InvalidInputError(
        'A topic alert needs a search query, e.g. "graph neural networks".',
        'query',
      );
    if (query.length > MAX_ALERT_QUERY)
      throw new InvalidInputError(`Keep the query under ${MAX_ALERT_QUERY} characters.`, 'query');
    try {
      const parsed = parseSearchQuery(query);
      const f = parsed.filters;
      if (!parsed.text && f.categories.length === 0 && !f.hasCode && !f.dates.start && !f.dates.end)
        throw new InvalidInputError('The query has no words or filters to search with.', 'query');
    } catch (err) {
      if (err instanceof QueryError) throw new InvalidInputError(err.message, 'query');
      throw err;
    }
  }
  return { kind, query, ...validateSchedule(request.hour, request.timeZone) };
}

function validateSchedule(hour: string | number, timeZone: string) {
  const h = typeof hour === 'number' ? hour : /^\d{1,2}$/.test(hour.trim()) ? Number(hour) : NaN;
  if (!Number.isInteger(h) || h < 0 || h > 23)
    throw new InvalidInputError('The hour is a whole number from 0 to 23.', 'hour');
  const zone = timeZone.trim() || 'UTC';
  if (!isTimeZone(zone))
    throw new InvalidInputError(
      `"${zone.slice(0, 64)}" is not a time zone, e.g. Europe/Berlin or UTC.`,
      'timeZone',
    );
  return { deliverHour: h, timeZone: zone };
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    email: row.email,
    kind: row.kind as SubscriptionKind,
    query: row.query,
    deliverHour: row.deliverHour,
    timeZone: row.timeZone,
    confirmed: row.confirmedAt !== null,
    paused: row.pausedAt !== null,
    lastError: row.lastError,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
