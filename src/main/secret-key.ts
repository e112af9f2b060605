// The server secret that signs links in mail: SECRET_KEY, or a random one generated on first start
// and kept in DATA_DIR/secret-key (mode 0600) so links keep working across restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function loadSecretKey(configured: string | null, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret-key');
  try {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  // Written whole to a temporary file, then linked into place: a process killed mid-write leaves
  // no half-written key, and link() fails if another process created the key meanwhile, in which
  // case theirs wins (every process must use the same secret). A key file too short to be one of
  // ours (written by hand, or damaged) is replaced: nothing can have been signed with it.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const theirs = fs.readFileSync(file, 'utf8').trim();
    if (theirs.length >= 32) return theirs;
    fs.renameSync(tmp, file);
    return secret;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
