// With no SMTP server configured, messages are written as .eml files (RFC 5322, what any mail
// client opens) to a folder in the data directory, so that sign-in works on a fresh install and an
// administrator can read what would have been sent.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailMessage, MailTransport, SentMail } from './mail-transport.ts';

export interface OutboxMessage {
  file: string;
  /** Parsed headers worth listing; the full message is in the file. */
  to: string;
  subject: string;
  date: string;
}

export class OutboxTransport implements MailTransport {
  readonly description: string;

  constructor(
    readonly folder: string,
    private readonly from: string,
  ) {
    this.description = `outbox ${folder}`;
  }

  async send(message: MailMessage): Promise<SentMail> {
    const messageId = message.messageId ?? `${crypto.randomUUID()}@paperboy`;
    const raw = await compose({ ...message, from: message.from ?? this.from, messageId });
    await fs.promises.mkdir(this.folder, { recursive: true });
    // A stable Message-ID names the file, so sending the same message again (a digest resent after
    // a crash) rewrites the same file instead of adding a copy: exactly once in the outbox too.
    const name = message.messageId
      ? `${message.messageId.replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`
      : `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}.eml`;
    const file = path.join(this.folder, name);
    // Write then rename: a reader never sees half a message, and a crash leaves only a .tmp file.
    await fs.promises.writeFile(`${file}.tmp`, raw, { mode: 0o600 });
    await fs.promises.rename(`${file}.tmp`, file);
    return { messageId, receipt: file };
  }

  /** The messages in the outbox, newest first. */
  async list(limit = 100): Promise<OutboxMessage[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.folder);
    } catch {
      return [];
    }
    // Newest first by modification time (names are Message-IDs or timestamps).
    const stamped = await Promise.all(
      names
        .filter((n) => n.endsWith('.eml'))
        .map(async (name) => {
          const stat = await fs.promises.stat(path.join(this.folder, name)).catch(() => null);
          return { name, mtime: stat?.mtimeMs ?? 0 };
        }),
    );
    const files = stamped
      .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name))
      .slice(0, limit)
      .map((f) => f.name);
    return Promise.all(
      files.map(async (name) => {
        const file = path.join(this.folder, name);
        const head = (await fs.promises.readFile(file, 'utf8')).split(/\r?\n\r?\n/, 1)[0] ?? '';
        return { file, to: header(head, 'To'), subject: header(head, 'Subject'), date: header(head, 'Date') };
      }),
    );
  }
}

/** Builds the RFC 5322 bytes of a message the way nodemailer would send it. */
export function compose(message: MailMessage & { from: string; messageId: string }): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: `<${message.messageId}>`,
  });
  return new Promise((resolve, reject) =>
    composer.compile().build((error, raw) => (error ? reject(error) : resolve(raw))),
  );
}

/** One header's value with folded lines joined; encoded words are left as they are. */
function header(head: string, name: string): string {
  const match = new RegExp(`^${name}:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match ? match[1]!.replace(/\r?\n[ \t]/g, ' ').trim() : '';
}
