// Where to go after signing in comes from the request (?next=…), so it must never lead off-site:
// an attacker's link "/signin?next=//evil.example" would otherwise end on their page after a real
// sign-in (an open redirect). Only same-site absolute paths pass; everything else becomes "/".

const MAX_LENGTH = 2000;

export function safeNextPath(input: unknown): string {
  if (typeof input !== 'string' || input === '' || input.length > MAX_LENGTH) return '/';
  // One leading slash, then not a second slash or backslash ("//host" and "/\host" are
  // protocol-relative to browsers), and no control characters or white space anywhere (browsers
  // strip tabs and newlines from URLs, so "/\t/evil" would become "//evil").
  if (!input.startsWith('/') || input[1] === '/' || input[1] === '\\') return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(input)) return '/';
  // Parse against a placeholder origin: whatever survives must still be on that origin.
  try {
    const url = new URL(input, 'http://same.invalid');
    if (url.origin !== 'http://same.invalid') return '/';
    // Dot segments collapse while parsing: "/..//evil.example" comes out as "//evil.example".
    const path = url.pathname + url.search + url.hash;
    return path.startsWith('//') || path.startsWith('/\\') ? '/' : path;
  } catch {
    return '/';
  }
}
