// Rendered pages kept in memory until the data they were built from changes. The key includes the
// database's change token, so a write anywhere (this process or a CLI import) makes stale entries
// unreachable; the Map is bounded and evicts its oldest entries.
import { createHash } from 'node:crypto';

export interface CachedPage {
  body: string;
  etag: string;
  /** When this version was first built, as an HTTP date: no later than the data's last change. */
  lastModified: string;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage & { token: string }>();

  constructor(private readonly maxEntries = 1000) {}

  get(key: string, token: string): CachedPage | undefined {
    const hit = this.entries.get(key);
    return hit && hit.token === token ? hit : undefined;
  }

  set(key: string, token: string, body: string): CachedPage {
    const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
    const entry = { body, etag, token, lastModified: new Date().toUTCString() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }
}
