// The subscription rules against a real database; mail is captured by a recording transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionRepository } from '../db/repositories/subscription-repository.ts';
import type { MailMessage, MailTransport } from '../mail/mail-transport.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { InvalidInputError, NotFoundError, RateLimitedError } from './errors.ts';
import { MailTokens } from './mail-tokens.ts';
import { MAX_UNCONFIRMED_PER_DAY, SubscriptionService } from './subscription-service.ts';

let t: TestApp;
let service: SubscriptionService;
const sent: MailMessage[] = [];
const tokens = new MailTokens('a test secret that is long enough');

beforeAll(async () => {
  t = await createTestApp({ seed: false });
  const recorder: MailTransport = {
    description: 'recorder',
    send: async (m) => {
      sent.push(m);
      return { messageId: 'x', receipt: 'recorded' };
    },
  };
  const repo = new SubscriptionRepository(t.container.database);
  service = new SubscriptionService(t.container.database, repo, tokens, recorder, 'http://paperboy.test');
});
afterAll(() => t.close());

const base = { kind: 'daily', hour: '8', timeZone: 'UTC' };
const token = (text: string | undefined, path: string) => new RegExp(`${path}/(\\S+)`).exec(text ?? '')![1]!;

describe('SubscriptionService', () => {
  it('subscribing twice keeps one subscription and resends the confirmation', async () => {
    const a = await service.subscribe({ ...base, email: 'Twice@Example.org' });
    const b = await service.subscribe({ ...base, email: 'twice@example.org', hour: '9' });
    expect(b.subscription.id).toBe(a.subscription.id);
    expect(b.subscription.deliverHour).toBe(9);
    expect(sent.filter((m) => m.to === 'twice@example.org')).toHaveLength(2);
    const confirmToken = token(sent.at(-1)!.text, '/subscribe/confirm');
    expect((await service.confirm(confirmToken)).confirmed).toBe(true);
    // Confirmed: subscribing again changes nothing and sends no mail.
    const c = await service.subscribe({ ...base, email: 'twice@example.org', hour: '5' });
    expect(c).toMatchObject({
      status: 'subscribed',
      subscription: { id: a.subscription.id, deliverHour: 9 },
    });
    expect(sent.filter((m) => m.to === 'twice@example.org')).toHaveLength(2);
  });

  it('caps confirmation mails to one address per day', async () => {
    for (let i = 0; i < MAX_UNCONFIRMED_PER_DAY; i++) {
      await service.subscribe({ ...base, kind: 'topic', query: `topic${i}`, email: 'victim@example.org' });
    }
    await expect(
      service.subscribe({ ...base, kind: 'topic', query: 'one more', email: 'victim@example.org' }),
    ).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('validates the address, kind, query, hour and zone', async () => {
    const bad = [
      [{ ...base, email: 'no-at-sign' }, 'email'],
      [{ ...base, email: 'a@b.org', kind: 'monthly' }, 'kind'],
      [{ ...base, email: 'a@b.org', kind: 'topic', query: '   ' }, 'query'],
      [{ ...base, email: 'a@b.org', kind: 'topic', query: '-survey' }, 'query'],
      [{ ...base, email: 'a@b.org', hour: '24' }, 'hour'],
      [{ ...base, email: 'a@b.org', hour: '8am' }, 'hour'],
      [{ ...base, email: 'a@b.org', timeZone: 'Europe/Atlantis' }, 'timeZone'],
    ] as const;
    for (const [request, parameter] of bad) {
      const err = await service.subscribe(request).catch((e: unknown) => e);
      expect(err, JSON.stringify(request)).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe(parameter);
    }
  });

  it('accepts only tokens of the right purpose', async () => {
    const { subscription } = await service.subscribe({ ...base, email: 'purpose@example.org' });
    const confirm = tokens.sign('confirm', subscription.id);
    await expect(service.unsubscribe(confirm)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.manage(confirm)).rejects.toBeInstanceOf(NotFoundError);
    const unsubscribe = tokens.sign('unsubscribe', subscription.id);
    await service.unsubscribe(unsubscribe);
    expect((await service.byUnsubscribeToken(unsubscribe)).unsubscribed).toBe(true);
    // An unsubscribed subscription cannot be confirmed back to life.
    await expect(service.confirm(confirm)).rejects.toBeInstanceOf(NotFoundError);
  });
});
