import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxTransport } from './outbox-transport.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('OutboxTransport', () => {
  it('writes a parseable multipart .eml with the given headers and lists it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    dirs.push(dir);
    const outbox = new OutboxTransport(path.join(dir, 'outbox'), 'paperboy <noreply@paperboy.test>');
    const sent = await outbox.send({
      to: 'ada@example.org',
      subject: 'Sign in to paperboy — café',
      text: 'Open https://paperboy.test/signin/verify?token=abc',
      html: '<p>Open <a href="https://paperboy.test/signin/verify?token=abc">this link</a></p>',
      headers: { 'List-Unsubscribe': '<https://paperboy.test/u/x>' },
      messageId: 'fixed-id@paperboy',
    });
    expect(sent.messageId).toBe('fixed-id@paperboy');
    expect(fs.readdirSync(path.join(dir, 'outbox'))).toEqual([path.basename(sent.receipt)]);
    const mail = await simpleParser(fs.readFileSync(sent.receipt));
    expect(mail.subject).toBe('Sign in to paperboy — café');
    expect(mail.messageId).toBe('<fixed-id@paperboy>');
    expect(mail.text?.trim()).toBe('Open https://paperboy.test/signin/verify?token=abc');
    expect(mail.html).toContain('href="https://paperboy.test/signin/verify?token=abc"');
    expect(mail.headerLines.find((l) => l.key === 'list-unsubscribe')?.line).toContain(
      'https://paperboy.test/u/x',
    );
    const listed = await outbox.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]!.to).toBe('ada@example.org');
  });

  it('lists nothing when no message was ever written', async () => {
    const outbox = new OutboxTransport(path.join(os.tmpdir(), 'no-such-outbox-' + Date.now()), 'a@b.c');
    expect(await outbox.list()).toEqual([]);
  });
});
