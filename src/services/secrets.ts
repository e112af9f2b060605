// Random secrets and the one-way form they are stored in. A secret (session id, magic-link token,
// API token) lives only in the cookie, mail or client; the database keeps its SHA-256, so reading
// the database is not enough to sign in. SHA-256 without salt is right here: the secrets are 256
// random bits, not guessable passwords.
import crypto from 'node:crypto';

export function randomSecret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function minutesAfter(date: Date, minutes: number): string {
  return new Date(date.getTime() + minutes * 60_000).toISOString();
}
