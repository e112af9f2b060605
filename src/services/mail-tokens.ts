// Signed tokens for links in mail: confirm a subscription, unsubscribe, manage subscriptions.
// A token is "<subscription id>.<HMAC-SHA256(secret, purpose:id)>" in base64url: nothing is
// stored, it cannot be forged without the server secret, it names one purpose only (a confirm
// link cannot unsubscribe), and it is compared in constant time.
import crypto from 'node:crypto';

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'manage';

export class MailTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('the mail token secret must have at least 16 characters');
    // A key of its own, derived from the server secret, so these MACs never collide with other uses.
    this.key = crypto.createHmac('sha256', secret).update('paperboy mail tokens v1').digest();
  }

  sign(purpose: TokenPurpose, subscriptionId: number): string {
    return `${subscriptionId}.${this.mac(purpose, subscriptionId).toString('base64url')}`;
  }

  /** The subscription id the token was made for, or null when it is not a valid token of this purpose. */
  verify(purpose: TokenPurpose, token: string): number | null {
    const m = /^([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const id = Number(m[1]);
    if (!Number.isSafeInteger(id)) return null;
    const given = Buffer.from(m[2]!, 'base64url');
    const expected = this.mac(purpose, id);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
  }

  private mac(purpose: TokenPurpose, id: number): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${purpose}:${id}`).digest();
  }
}
