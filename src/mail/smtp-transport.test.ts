import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../test/helpers/smtp-sink.ts';
import type { SmtpSink } from '../../test/helpers/smtp-sink.ts';
import { MailDeliveryError } from './mail-transport.ts';
import { SmtpTransport, toDeliveryError } from './smtp-transport.ts';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.close());

async function failureOf(promise: Promise<unknown>): Promise<MailDeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MailDeliveryError);
    return err as MailDeliveryError;
  }
  throw new Error('expected a failure');
}

describe('SmtpTransport', () => {
  it('sends multipart mail with the given Message-ID and headers', async () => {
    const smtp = new SmtpTransport(sink.url, 'paperboy <p@paperboy.test>');
    try {
      const sent = await smtp.send({
        to: 'ok@example.org',
        subject: 'Grüße',
        text: 'plain',
        html: '<p>html</p>',
        messageId: 'daily-2026-11-26.s1@paperboy.test',
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      expect(sent.messageId).toBe('daily-2026-11-26.s1@paperboy.test');
      expect(sent.receipt).toMatch(/^250/);
      const [m] = sink.to('ok@example.org');
      expect(m!.parsed.subject).toBe('Grüße');
      expect(m!.parsed.text?.trim()).toBe('plain');
      expect(m!.parsed.html).toContain('<p>html</p>');
      expect(m!.messageId).toBe('<daily-2026-11-26.s1@paperboy.test>');
      expect(smtp.description).toBe(`smtp 127.0.0.1:${sink.port}`);
    } finally {
      await smtp.close();
    }
  });

  it('calls 5xx permanent, 4xx and unreachable servers temporary', async () => {
    const smtp = new SmtpTransport(sink.url, 'p@paperboy.test');
    try {
      sink.refuse.set('gone@example.org', { code: 550 });
      sink.refuse.set('busy@example.org', { code: 452 });
      const gone = await failureOf(smtp.send({ to: 'gone@example.org', subject: 's', text: 't' }));
      expect(gone.permanent).toBe(true);
      expect(gone.message).toMatch(/^550/);
      const busy = await failureOf(smtp.send({ to: 'busy@example.org', subject: 's', text: 't' }));
      expect(busy.permanent).toBe(false);
      const bad = await failureOf(smtp.send({ to: 'not an address', subject: 's', text: 't' }));
      expect(bad.permanent).toBe(true);
    } finally {
      await smtp.close();
    }
    // A port nobody listens on.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const down = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'p@paperboy.test', { timeoutMs: 2000 });
    try {
      const refused = await failureOf(down.send({ to: 'a@example.org', subject: 's', text: 't' }));
      expect(refused.permanent).toBe(false);
    } finally {
      await down.close();
    }
  });

  it('refuses URLs that are not smtp:// or smtps://', () => {
    expect(() => new SmtpTransport('http://mail.example.org', 'p@x.org')).toThrow(/smtp:\/\/ or smtps:\/\//);
  });

  it('maps nodemailer error shapes', () => {
    expect(toDeliveryError({ responseCode: 554, response: '554 rejected' }).permanent).toBe(true);
    expect(toDeliveryError({ responseCode: 421, response: '421 later' }).permanent).toBe(false);
    expect(toDeliveryError({ code: 'ETIMEDOUT', message: 'timeout' }).permanent).toBe(false);
    expect(toDeliveryError({ code: 'EENVELOPE', message: 'No recipients' }).permanent).toBe(true);
  });
});
