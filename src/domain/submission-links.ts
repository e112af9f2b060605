// The links and names a submitter may attach to a paper, normalised or refused. Pure: no I/O.
// Each parser returns the value to store, or a message that says what is wrong.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_URL = 2000;
/** GitHub's rules: owners are letters, digits and single hyphens; repositories add '.' and '_'. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * https://github.com/owner/repo (also with a trailing slash, ".git", or a deeper path such as
 * /tree/main, which is cut off): the canonical https://github.com/owner/repo.
 */
export function parseGithubRepo(input: string): Parsed<string> {
  const fail = {
    ok: false,
    message: 'The code link must be a GitHub repository, like https://github.com/owner/repository.',
  } as const;
  const url = parseUrl(input);
  if (!url || url.protocol !== 'https:') return fail;
  if (url.hostname !== 'github.com' && url.hostname !== 'www.github.com') return fail;
  if (url.username || url.password || url.port) return fail;
  const [owner, rawRepo] = url.pathname.split('/').filter(Boolean);
  const repo = rawRepo?.replace(/\.git$/, '');
  if (!owner || !repo || !GITHUB_OWNER.test(owner) || !GITHUB_REPO.test(repo) || /^\.+$/.test(repo)) {
    return fail;
  }
  return { ok: true, value: `https://github.com/${owner}/${repo}` };
}

/** Any http or https page (no credentials in it); returned as the URL parser normalises it. */
export function parseProjectPage(input: string): Parsed<string> {
  const url = parseUrl(input);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) {
    return {
      ok: false,
      message: 'The project page must be a web address starting with https:// or http://.',
    };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'The project page address must not contain a user name or password.' };
  }
  return { ok: true, value: url.href };
}

export interface OrganizationInput {
  /** As typed, spaces collapsed: the full name of a new organization. */
  fullname: string;
  /** The short name a new organization gets: lower case letters, digits and hyphens. */
  slug: string;
}

/** A free-text organization name: 2-100 characters with at least one letter or digit. */
export function parseOrganization(input: string): Parsed<OrganizationInput> {
  const fullname = input.replace(/\s+/g, ' ').trim();
  const slug = fullname
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  if (fullname.length < 2 || fullname.length > 100 || slug === '' || hasControlCharacters(fullname)) {
    return { ok: false, message: 'The organization must be a name of 2 to 100 characters.' };
  }
  return { ok: true, value: { fullname, slug } };
}

function hasControlCharacters(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

function parseUrl(input: string): URL | null {
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_URL) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
