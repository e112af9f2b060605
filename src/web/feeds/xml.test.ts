import { describe, expect, it } from 'vitest';
import { element, escapeXml, textElement, xmlChars } from './xml.ts';

describe('XML text', () => {
  it('drops the characters XML 1.0 forbids and keeps the rest', () => {
    expect(xmlChars('a\u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uDFFF\uD800b')).toBe('ab');
    expect(xmlChars('tab\there\nline\r\u00e9\u{1F600}\uFFFD')).toBe('tab\there\nline\r\u00e9\u{1F600}\uFFFD');
  });

  it('escapes markup, so no text can open a tag or close a CDATA section', () => {
    expect(escapeXml(`<a href="x">&'</a> ]]>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt; ]]&gt;',
    );
  });

  it('builds elements with escaped attributes and leaves out missing ones', () => {
    expect(textElement('title', 'a<b', { type: 'text', lang: null })).toBe(
      '<title type="text">a&lt;b</title>',
    );
    expect(element('link', { href: '/x?a=1&b="2"', rel: undefined })).toBe(
      '<link href="/x?a=1&amp;b=&quot;2&quot;"/>',
    );
    expect(element('entry', {}, ['<id>1</id>'])).toBe('<entry><id>1</id></entry>');
  });
});
