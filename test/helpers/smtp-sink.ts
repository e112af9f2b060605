// A real SMTP server on 127.0.0.1 (port 0) that keeps what it accepts, parsed with mailparser. It
// can answer 4xx or 5xx for chosen recipients and hold each message a while before accepting it
// (for crash tests). Like a real server, it keeps a message only when it answers 250: a client that
// disconnects before that has not handed the message over.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  /** Envelope recipients. */
  to: string[];
  raw: string;
  parsed: ParsedMail;
  messageId: string | undefined;
}

export interface Refusal {
  code: number;
  message?: string;
  /** Refuse only this many times, then accept (a temporary problem that goes away). */
  times?: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  /** Recipient (lower case) → how RCPT TO is answered. */
  refuse: Map<string, Refusal>;
  /** Milliseconds each message is held before it is accepted. */
  holdMs: number;
  /**
   * Called when a message has arrived and is being held, with the number accepted so far; the
   * message is held until the returned promise settles too (e.g. until a killed client is gone).
   */
  onHold: ((accepted: number) => void | Promise<void>) | null;
  /** Messages addressed to a recipient. */
  to(address: string): SinkMessage[];
  /** Resolves once at least n messages have been accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { holdMs?: number } = {}): Promise<SmtpSink> {
  const closed = new Set<string>();
  const sink: SmtpSink = {
    port: 0,
    url: '',
    messages: [],
    refuse: new Map(),
    holdMs: options.holdMs ?? 0,
    onHold: null,
    to: (address) => sink.messages.filter((m) => m.to.includes(address.toLowerCase())),
    waitFor: async (n, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (sink.messages.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${sink.messages.length} of ${n} messages arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onRcptTo(address, _session, callback) {
      const refusal = sink.refuse.get(address.address.toLowerCase());
      if (refusal && (refusal.times === undefined || refusal.times > 0)) {
        if (refusal.times !== undefined) refusal.times--;
        const err = new Error(
          refusal.message ?? (refusal.code >= 500 ? 'No such user here' : 'Try again later'),
        );
        (err as Error & { responseCode: number }).responseCode = refusal.code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (sink.holdMs > 0) {
            await Promise.all([
              sink.onHold?.(sink.messages.length),
              new Promise((r) => setTimeout(r, sink.holdMs)),
            ]);
          }
          if (closed.has(session.id)) return callback(new Error('client went away'));
          const parsed = await simpleParser(raw);
          sink.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            raw,
            parsed,
            messageId: parsed.messageId,
          });
          callback();
        })();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}
