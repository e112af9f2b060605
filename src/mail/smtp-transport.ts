// Mail through an SMTP server with nodemailer (SMTP_URL: smtp://user:pass@host:587 or smtps://…).
// Errors become MailDeliveryError: permanent for 5xx answers and addresses that cannot work,
// temporary for 4xx answers, connection problems and timeouts (the job retries those later).
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { MailDeliveryError } from './mail-transport.ts';
import type { MailMessage, MailTransport, SentMail } from './mail-transport.ts';

export interface SmtpOptions {
  /** Per-connection timeouts in ms (connect, greeting, socket inactivity). */
  timeoutMs?: number;
}

export class SmtpTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    url: string,
    private readonly from: string,
    options: SmtpOptions = {},
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
      throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//`);
    }
    this.description = `smtp ${parsed.hostname}:${parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)}`;
    const timeout = options.timeoutMs ?? 30_000;
    this.transporter = nodemailer.createTransport({
      url,
      // One connection reused for a whole digest run instead of a handshake per message.
      pool: true,
      maxConnections: 1,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as SMTPTransport.Options);
  }

  async send(message: MailMessage): Promise<SentMail> {
    try {
      const info = await this.transporter.sendMail({
        from: message.from ?? this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        messageId: message.messageId ? `<${message.messageId}>` : undefined,
      });
      if (info.rejected.length > 0) {
        throw new MailDeliveryError(`the server refused ${message.to}: ${info.response}`, true);
      }
      return { messageId: info.messageId.replace(/^<|>$/g, ''), receipt: info.response };
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

interface NodemailerError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

/** Sorts an error from nodemailer into permanent (do not retry) and temporary (retry later). */
export function toDeliveryError(err: unknown): MailDeliveryError {
  if (err instanceof MailDeliveryError) return err;
  const e = (err ?? {}) as NodemailerError;
  const text = (e.response ?? e.message ?? String(err)).trim();
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500)
      return new MailDeliveryError(`${e.responseCode}: ${text}`, true, { cause: err });
    return new MailDeliveryError(`${e.responseCode}: ${text}`, false, { cause: err });
  }
  // No recipient nodemailer could use: the address itself is bad, no retry will help.
  if (e.code === 'EENVELOPE')
    return new MailDeliveryError(`invalid recipient: ${text}`, true, { cause: err });
  // ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, EAUTH (a server-side setting, not the recipient's fault)…
  return new MailDeliveryError(`${e.code ?? 'error'}: ${text}`, false, { cause: err });
}
