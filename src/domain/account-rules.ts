// Rules for the names people sign in and appear with: email addresses and public handles.

export const HANDLE_MIN = 2;
export const HANDLE_MAX = 30;
export const DISPLAY_NAME_MAX = 60;
const HANDLE_PATTERN = /^[a-z0-9_-]+$/;

/** Words that are, or may become, paths or roles; nobody may take them as a handle. */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'api',
  'assets',
  'auth',
  'feeds',
  'help',
  'healthz',
  'login',
  'logout',
  'me',
  'mod',
  'moderator',
  'moderation',
  'new',
  'null',
  'paperboy',
  'papers',
  'root',
  'search',
  'settings',
  'signin',
  'signout',
  'signup',
  'staff',
  'static',
  'support',
  'system',
  'u',
  'undefined',
  'user',
  'users',
  'www',
]);

/** Lower-cased and trimmed; the address is compared in this form everywhere. */
export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

/**
 * A deliberately plain check (one @, a dot in the domain, no spaces or control characters): the
 * magic link proves the address works; this only catches typos and header injection.
 */
export function emailProblem(email: string): string | null {
  if (email === '') return 'Enter your email address.';
  if (email.length > 254) return 'That email address is too long.';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f<>,;"]/.test(email)) return 'That email address has characters it cannot have.';
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1 || email.indexOf('@') !== at)
    return 'Enter an email address like ada@example.org.';
  const domain = email.slice(at + 1);
  if (!/^[^.]+(\.[^.]+)+$/.test(domain)) return 'Enter an email address like ada@example.org.';
  return null;
}

/** Why `handle` cannot be used (already normalised to lower case), or null when it can. */
export function handleProblem(handle: string): string | null {
  if (handle.length < HANDLE_MIN || handle.length > HANDLE_MAX)
    return `A handle has ${HANDLE_MIN} to ${HANDLE_MAX} characters.`;
  if (!HANDLE_PATTERN.test(handle)) return 'A handle uses only lower-case letters, digits, “_” and “-”.';
  if (RESERVED_HANDLES.has(handle)) return `“${handle}” is reserved; choose another handle.`;
  return null;
}

export function normalizeHandle(input: string): string {
  return input.trim().toLowerCase();
}

export function displayNameProblem(name: string): string | null {
  if (name === '') return 'Enter a display name.';
  if ([...name].length > DISPLAY_NAME_MAX)
    return `A display name has at most ${DISPLAY_NAME_MAX} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'A display name cannot contain control characters.';
  return null;
}

/** Collapses runs of white space; display names are shown on one line. */
export function normalizeDisplayName(input: string): string {
  return input.replace(/\s+/g, ' ').trim();
}

/**
 * The handle a new account starts with, from the email's local part: "Ada.Lovelace+x@…" → "ada-lovelace".
 * `attempt` 0 is the plain form; later attempts add a number so that a taken handle finds a free one.
 */
export function handleFromEmail(email: string, attempt = 0): string {
  const local = (email.split('@')[0] ?? '').split('+')[0] ?? '';
  let base = local
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  if (base.length < HANDLE_MIN || RESERVED_HANDLES.has(base))
    base = `${base || 'reader'}-user`.replace(/^-/, '');
  const suffix = attempt === 0 ? '' : String(attempt + 1);
  return base.slice(0, HANDLE_MAX - suffix.length).replace(/-+$/, '') + suffix;
}
