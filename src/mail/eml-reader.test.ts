import { describe, expect, it } from 'vitest';
import { decodeHeader, readEml } from './eml-reader.ts';
import { compose } from './outbox-transport.ts';

describe('readEml', () => {
  it('reads back what the outbox writes: headers, text and HTML, non-ASCII included', async () => {
    const html = `<p style="color: #bf3d0d">Ünïcödé — ${'long line '.repeat(40)} 100% = done</p>`;
    const raw = await compose({
      from: 'paperboy <p@paperboy.test>',
      to: 'zoë@example.org',
      subject: 'paperboy daily — 12 papers for Thu 26 Nov',
      text: 'Plain ✓ text\nsecond line = 2',
      html,
      messageId: 'x.s1@paperboy.test',
      headers: { 'List-Unsubscribe': '<http://paperboy.test/unsubscribe/1.abc>' },
    });
    const eml = readEml(raw.toString('utf8'));
    expect(eml.html).toBe(html);
    expect(eml.text).toBe('Plain ✓ text\nsecond line = 2');
    const header = (n: string) => eml.headers.find((h) => h.name === n)?.value;
    expect(header('subject')).toBe('paperboy daily — 12 papers for Thu 26 Nov');
    expect(header('message-id')).toBe('<x.s1@paperboy.test>');
    expect(header('list-unsubscribe')).toBe('<http://paperboy.test/unsubscribe/1.abc>');
  });

  it('decodes encoded words', () => {
    expect(decodeHeader('=?UTF-8?Q?caf=C3=A9_au_lait?=')).toBe('café au lait');
    expect(decodeHeader('=?UTF-8?B?w7xiZXI=?= alles')).toBe('über alles');
  });
});
