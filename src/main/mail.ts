// Chooses how mail leaves paperboy. Without a mail server configured it goes to the outbox folder
// (DATA_DIR/outbox, .eml files), so sign-in works on a fresh install; with SMTP_URL, through SMTP.
import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { OutboxTransport } from '../mail/outbox-transport.ts';
import { SmtpTransport } from '../mail/smtp-transport.ts';

export function outboxFolder(config: Config): string {
  return path.join(config.dataDir, 'outbox');
}

export function createMailTransport(config: Config): MailTransport {
  if (config.mail.smtpUrl) return new SmtpTransport(config.mail.smtpUrl, config.mailFrom);
  return new OutboxTransport(outboxFolder(config), config.mailFrom);
}
