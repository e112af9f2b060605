import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey } from './secret-key.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadSecretKey', () => {
  it('generates a secret once, keeps it private, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    dirs.push(dir);
    const first = loadSecretKey(null, dir);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(fs.statSync(path.join(dir, 'secret-key')).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(null, dir)).toBe(first);
    expect(loadSecretKey('a configured secret of at least 32 chars', dir)).toBe(
      'a configured secret of at least 32 chars',
    );
  });

  it('replaces a damaged (truncated) key file and leaves no temporary files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'secret-key'), 'abc');
    const secret = loadSecretKey(null, dir);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(fs.readFileSync(path.join(dir, 'secret-key'), 'utf8').trim()).toBe(secret);
    expect(fs.readdirSync(dir)).toEqual(['secret-key']);
    expect(loadSecretKey(null, dir)).toBe(secret);
  });
});
