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
  // 'wx': if another process created it meanwhile, keep theirs (both must use the same secret).
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
}
