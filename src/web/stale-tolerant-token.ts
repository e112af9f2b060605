// PAGE_CACHE_STALE_MS: under a steady stream of writes (votes, comments) every write changes the
// data version and empties the page caches of every node, so anonymous pages are rendered afresh on
// nearly every request. Reading the version at most once per window lets a cached page serve for up
// to that long after the data changed ("microcaching"); a page is then never more than the window
// older than the data. Readers who write see their own pages unaffected: signed-in pages are never
// cached.

/** `token` re-read at most once per `windowMs` (0: every call, i.e. `token` itself). */
export function staleTolerantToken(
  token: () => string,
  windowMs: number,
  now: () => number = () => performance.now(),
): () => string {
  if (windowMs <= 0) return token;
  let current = token();
  let readAt = now();
  return () => {
    const t = now();
    if (t - readAt >= windowMs) {
      current = token();
      readAt = t;
    }
    return current;
  };
}
