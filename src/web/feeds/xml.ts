// XML text that stays well-formed whatever the data: characters XML 1.0 forbids anywhere (most
// control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, since no escape can carry them,
// and markup characters are escaped, so no title can open a tag or end a CDATA section.

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Drops the characters XML 1.0 does not allow. */
export function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/** Text or attribute content, escaped. */
export function escapeXml(text: string): string {
  return xmlChars(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type Attributes = Record<string, string | null | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .flatMap(([name, value]) => (value == null ? [] : [` ${name}="${escapeXml(value)}"`]))
    .join('');
}

/** An element holding escaped text. */
export function textElement(name: string, text: string, attrs: Attributes = {}): string {
  return `<${name}${attributes(attrs)}>${escapeXml(text)}</${name}>`;
}

/** An element holding already-built child elements, or an empty element when there are none. */
export function element(name: string, attrs: Attributes, children: readonly string[] = []): string {
  return children.length === 0
    ? `<${name}${attributes(attrs)}/>`
    : `<${name}${attributes(attrs)}>${children.join('')}</${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
