// Loads pb_bm25 (native/paperboy-bm25.c) into an SQLite connection: FTS5's bm25() with document
// counts supplied by the caller, which spares every query a walk over the whole doclist of each of
// its words (see the C file). It is compiled on first use with the C compiler better-sqlite3 itself
// needed at install, against better-sqlite3's own SQLite headers, and cached under
// node_modules/.cache/paperboy. Without a compiler (or on Windows) nothing is loaded and the search
// backend keeps using the built-in bm25(): the same scores, only slower.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const SOURCE = path.join(import.meta.dirname, 'native', 'paperboy-bm25.c');
const ENTRY = 'sqlite3_paperboybm25_init';

let built: string | null | undefined;

/** The compiled extension's path, building it once per source and platform; null when impossible. */
export function bm25ExtensionPath(): string | null {
  if (built !== undefined) return built;
  built = null;
  if (process.platform === 'win32') return built;
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('better-sqlite3/package.json');
    const headers = path.join(path.dirname(pkg), 'deps', 'sqlite3');
    const source = fs.readFileSync(SOURCE);
    const hash = createHash('sha256')
      .update(source)
      .update(fs.readFileSync(path.join(headers, 'sqlite3.h')))
      .update(`${process.platform}-${process.arch}`)
      .digest('hex')
      .slice(0, 16);
    const dir = path.join(path.dirname(path.dirname(pkg)), '.cache', 'paperboy');
    const file = path.join(dir, `paperboy-bm25-${hash}${process.platform === 'darwin' ? '.dylib' : '.so'}`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true });
      // Parallel processes (test workers) may build at once: each writes its own file, then renames.
      const temp = `${file}.${process.pid}.tmp`;
      const shared =
        process.platform === 'darwin' ? ['-dynamiclib', '-undefined', 'dynamic_lookup'] : ['-shared'];
      execFileSync(
        process.env.CC ?? 'cc',
        ['-O2', '-fPIC', ...shared, '-I', headers, SOURCE, '-o', temp, '-lm'],
        { stdio: 'pipe', timeout: 60_000 },
      );
      fs.renameSync(temp, file);
    }
    built = file;
  } catch {
    built = null;
  }
  return built;
}

/** Registers pb_bm25 on the connection; false when it cannot be built or loaded. */
export function loadBm25Extension(db: BetterSqlite3.Database): boolean {
  const file = bm25ExtensionPath();
  if (file === null) return false;
  try {
    // better-sqlite3 passes the entry point on; its type declarations only name the path.
    (db.loadExtension as (file: string, entryPoint: string) => BetterSqlite3.Database)(file, ENTRY);
    return true;
  } catch {
    return false;
  }
}
