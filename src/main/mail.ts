// Chooses how mail leaves paperboy. Without a mail server configured it goes to the outbox folder
// (DATA_DIR/outbox, .eml files), so sign-in works on a fresh install.
import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { OutboxTransport } from '../mail/outbox-transport.ts';

export function createMailTransport(config: Config): MailTransport {
  return new OutboxTransport(path.join(config.dataDir, 'outbox'), config.mailFrom);
}
