// Finds links to source code in free text (abstracts, arXiv comments) and normalises repository
// URLs, so "Code: https://github.com/Foo/bar.git)." and "github.com/Foo/bar/tree/main" are one link.
// Pure: no I/O. Text from arXiv and from PDF extraction breaks URLs in a few recurring ways (line
// wraps inside a path, "https: //", LaTeX \url{} and \_), which are mended before matching.

export type CodeHost = 'github' | 'gitlab' | 'bitbucket' | 'huggingface';

export interface CodeLink {
  host: CodeHost;
  /** Hugging Face links are Spaces (apps) or models; the others are source repositories. */
  kind: 'repository' | 'space' | 'model';
  /**
   * The link to show: the repository root, e.g. https://github.com/owner/repo, except that a link
   * into a folder or file of a GitHub repository keeps that path (in monorepos such as
   * google-research/google-research the root is not the paper's code).
   */
  url: string;
  /** The repository root, which identifies the repository (and its stars). */
  repoUrl: string;
}

const HOSTS: Readonly<Record<string, CodeHost>> = {
  'github.com': 'github',
  'gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucket',
  'huggingface.co': 'huggingface',
};

const HOST_PATTERN = '(?:github\\.com|gitlab\\.com|bitbucket\\.org|huggingface\\.co)';

// First path segments that are site pages, not owners.
const GITHUB_RESERVED = new Set(
  (
    'about apps collections contact customer-stories enterprise events explore features join login ' +
    'marketplace new notifications orgs organizations pricing pulls search security settings site ' +
    'sponsors topics trending issues codespaces readme users'
  ).split(' '),
);
const GITLAB_RESERVED = new Set(['explore', 'help', 'users', 'dashboard', 'groups', 'search', '-']);
const BITBUCKET_RESERVED = new Set(['account', 'dashboard', 'product', 'repo', 'site', 'blog']);
const HF_RESERVED = new Set(
  (
    'api blog chat collections datasets docs enterprise join learn login models new organizations ' +
    'papers posts pricing search settings tasks spaces welcome changelog terms-of-service privacy'
  ).split(' '),
);

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,99})$/;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
/** Punctuation that ends a sentence or closes a bracket, never the last character of a repo URL. */
const TRAILING = new Set([...'.,;:!?)]}\'"’”>*']);

/** Drops trailing punctuation (a loop, not a regex: linear on hostile input). */
function stripTrailing(s: string): string {
  let end = s.length;
  while (end > 0 && TRAILING.has(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/**
 * Repository links in `text`, in order of appearance, without duplicates (GitHub, GitLab and
 * Bitbucket repositories, Hugging Face Spaces and models).
 */
export function extractCodeLinks(text: string): CodeLink[] {
  const prepared = mendUrls(text);
  const pattern = new RegExp(
    `(?<![\\w.@/-])(?:https?://)?(?:www\\.)?${HOST_PATTERN}/[^\\s<>"'\`{}|\\\\^\\[\\]]{0,2000}`,
    'gi',
  );
  const seen = new Set<string>();
  const out: CodeLink[] = [];
  for (const m of prepared.matchAll(pattern)) {
    const link = normalizeRepoUrl(m[0]);
    if (!link || seen.has(link.url.toLowerCase())) continue;
    seen.add(link.url.toLowerCase());
    out.push(link);
  }
  return out;
}

/** The link to store as a paper's code URL: the first source repository, else a Space, else a model. */
export function primaryCodeLink(links: CodeLink[]): CodeLink | null {
  return (
    links.find((l) => l.kind === 'repository') ??
    links.find((l) => l.kind === 'space') ??
    links.find((l) => l.kind === 'model') ??
    null
  );
}

/** The primary code URL found in any of the texts (abstract, comments), or null. */
export function findCodeUrl(...texts: (string | null | undefined)[]): string | null {
  const links = texts.flatMap((t) => (t ? extractCodeLinks(t) : []));
  return primaryCodeLink(links)?.url ?? null;
}

/**
 * For a paper whose source gave no code URL, the primary link found in its abstract or comments.
 * A paper with a known code URL, or none in its text, is returned unchanged (the same object), so
 * `codeUrl` stays undefined and a link stored earlier is kept.
 */
export function withExtractedCodeLink<
  T extends {
    record: { abstract: string; comments: string | null };
    extras: { codeUrl?: string | null };
  },
>(incoming: T): T {
  if (incoming.extras.codeUrl) return incoming;
  const url = findCodeUrl(incoming.record.abstract, incoming.record.comments);
  if (!url) return incoming;
  return { ...incoming, extras: { ...incoming.extras, codeUrl: url } };
}

/** Parses one URL (with or without scheme) into a normalised repository link; null if it is none. */
export function normalizeRepoUrl(raw: string): CodeLink | null {
  let s = stripTrailing(raw.trim());
  s = s.replace(/^(?:https?:\/\/)?(?:www\.)?/i, '');
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const host = HOSTS[s.slice(0, slash).toLowerCase()];
  if (!host) return null;
  const path = stripTrailing(s.slice(slash + 1).replace(/[?#].*$/, ''));
  const segments = path.split('/').filter((x) => x.length > 0);
  switch (host) {
    case 'github':
      return github(segments);
    case 'gitlab':
      return gitlab(segments);
    case 'bitbucket':
      return bitbucket(segments);
    case 'huggingface':
      return huggingface(segments);
  }
}

function ownerAndName(segments: string[], reserved: Set<string>): [string, string] | null {
  const [owner, rawName] = segments;
  if (!owner || !rawName || reserved.has(owner.toLowerCase())) return null;
  const name = rawName.replace(/\.git$/i, '');
  if (!OWNER.test(owner) || !NAME.test(name) || /^\.+$/.test(name)) return null;
  return [owner, name];
}

function github(segments: string[]): CodeLink | null {
  const pair = ownerAndName(segments, GITHUB_RESERVED);
  if (!pair) return null;
  const repoUrl = `https://github.com/${pair[0]}/${pair[1]}`;
  return { host: 'github', kind: 'repository', url: githubDeepLink(repoUrl, segments) ?? repoUrl, repoUrl };
}

/** owner/repo/tree/REF/some/dir (or blob/REF/file) when it points below the root; else null. */
function githubDeepLink(repoUrl: string, segments: string[]): string | null {
  const [, , view, ref, ...rest] = segments;
  if ((view !== 'tree' && view !== 'blob') || !ref) return null;
  let kind = view;
  // A README stands for its folder.
  if (view === 'blob' && /^readme(\.\w+)?$/i.test(rest[rest.length - 1] ?? '')) {
    rest.pop();
    kind = 'tree';
  }
  if (rest.length === 0) return null;
  return `${repoUrl}/${kind}/${ref}/${rest.join('/')}`;
}

function gitlab(segments: string[]): CodeLink | null {
  // Projects may sit in nested groups; the project path ends where "/-/" or a legacy view starts.
  const end = segments.findIndex((s, i) => i >= 2 && ['-', 'tree', 'blob', 'raw', 'issues'].includes(s));
  const project = end < 0 ? [...segments] : segments.slice(0, end);
  const pair = ownerAndName(project, GITLAB_RESERVED);
  if (!pair) return null;
  project[project.length - 1] = project[project.length - 1]!.replace(/\.git$/i, '');
  if (project.slice(1).some((s) => !NAME.test(s))) return null;
  const repoUrl = `https://gitlab.com/${project.join('/')}`;
  return { host: 'gitlab', kind: 'repository', url: repoUrl, repoUrl };
}

function bitbucket(segments: string[]): CodeLink | null {
  const pair = ownerAndName(segments, BITBUCKET_RESERVED);
  if (!pair) return null;
  const repoUrl = `https://bitbucket.org/${pair[0]}/${pair[1]}`;
  return { host: 'bitbucket', kind: 'repository', url: repoUrl, repoUrl };
}

function huggingface(segments: string[]): CodeLink | null {
  const space = segments[0]?.toLowerCase() === 'spaces';
  const pair = ownerAndName(space ? segments.slice(1) : segments, space ? new Set() : HF_RESERVED);
  if (!pair) return null;
  const repoUrl = `https://huggingface.co/${space ? 'spaces/' : ''}${pair[0]}/${pair[1]}`;
  return { host: 'huggingface', kind: space ? 'space' : 'model', url: repoUrl, repoUrl };
}

/** Undoes the usual damage to URLs in abstracts and comments before matching. */
function mendUrls(text: string): string {
  return (
    text
      // LaTeX: \url{…}, \href{…}{…}, and escaped characters inside URLs.
      .replace(/\\(?:url|href)\s{0,5}\{([^}]{0,2000})\}/g, ' $1 ')
      .replace(/\\([_%#&~])(?:\{\})?/g, '$1')
      // "https: //github.com" (PDF extraction) and "https://\n  github.com" (line wrap).
      .replace(/\b(https?:)\s{0,3}\/\/\s{0,20}/gi, '$1//')
      // A wrap right after "github.com/" or "github.com/owner/", or after a '-' or '_' inside the
      // path: the URL cannot end there, so the next word continues it. (Bounded repetitions keep
      // hostile input linear.)
      .replace(
        new RegExp(
          `(${HOST_PATTERN}/(?:[\\w.-]{1,100}/)?|${HOST_PATTERN}/\\S{0,300}[-_])\\s+(?=[\\w.-])`,
          'gi',
        ),
        '$1',
      )
      // A wrap before a '/' that continues the path ("github.com/owner\n  /repo").
      .replace(new RegExp(`(${HOST_PATTERN}/\\S{0,300}[\\w.-])[ \\t]*\\n\\s*(?=/[\\w.-])`, 'gi'), '$1')
  );
}
