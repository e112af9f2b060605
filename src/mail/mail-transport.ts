// The one interface every outgoing message goes through (magic links, digests, alerts). Concrete
// transports: the outbox folder (no SMTP configured) and SMTP through nodemailer.

export interface MailMessage {
  to: string;
  /** Defaults to the transport's configured sender (MAIL_FROM). */
  from?: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
  /** A stable Message-ID (without angle brackets) lets a resend be recognised as the same message. */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
  /** Where it went: the .eml path for the outbox, the server's reply for SMTP. */
  receipt: string;
}

/** A temporary failure (retry later) or a permanent one (this address will not work). */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MailTransport {
  /** Human-readable, for logs and the admin page: "outbox ./data/outbox", "smtp mail.example.org:587". */
  readonly description: string;
  send(message: MailMessage): Promise<SentMail>;
  close?(): Promise<void>;
}
