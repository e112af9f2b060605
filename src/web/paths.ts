// URL builders, so that every link to a page is spelled in one place.

export function paperPath(id: string): string {
  // Old-style ids ("hep-th/9901001") keep their slash: /papers/hep-th/9901001, like arxiv.org/abs/.
  return `/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

export function dayPath(day: string): string {
  return `/papers/date/${day}`;
}

export function weekPath(week: string): string {
  return `/papers/week/${week}`;
}

export function monthPath(month: string): string {
  return `/papers/month/${month}`;
}

export function withPage(path: string, page: number): string {
  return page > 0 ? `${path}?p=${page}` : path;
}

/** A user's public profile: /u/alice. */
export function profilePath(handle: string): string {
  return `/u/${encodeURIComponent(handle)}`;
}

/** An organization's page: /org/parameterlab. */
export function organizationPath(name: string): string {
  return `/org/${encodeURIComponent(name)}`;
}
