// Architecture rules from DEVELOPERS.md, checked on every import in src/.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** The top-level folder under src/ that an import lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec}`;
  const resolved = path.relative(SRC, path.resolve(path.dirname(file), spec));
  return resolved.split(path.sep)[0]!;
}

const files = sourceFiles(SRC);
const layer = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

describe('layers', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps src/domain pure: it imports only itself', () => {
    const bad = files
      .filter((f) => layer(f) === 'domain')
      .flatMap((f) => importsOf(f).map((s) => ({ f, s, t: target(f, s) })))
      .filter(({ t }) => t !== 'domain');
    expect(bad.map(({ f, s }) => `${path.relative(SRC, f)} imports ${s}`)).toEqual([]);
  });

  it('keeps src/db away from web, services, cli and main', () => {
    const bad = files
      .filter((f) => layer(f) === 'db')
      .flatMap((f) => importsOf(f).map((s) => ({ f, s, t: target(f, s) })))
      .filter(({ t }) => ['web', 'services', 'cli', 'main', 'ingest'].includes(t));
    expect(bad.map(({ f, s }) => `${path.relative(SRC, f)} imports ${s}`)).toEqual([]);
  });

  // src/eval is a command-line tool like src/cli (npm run eval), so it may wire implementations too.
  it('lets only src/main, src/cli and src/eval choose concrete implementations', () => {
    const bad = files
      .filter((f) => !['main', 'cli', 'eval'].includes(layer(f)))
      .flatMap((f) => importsOf(f).map((s) => ({ f, s, t: target(f, s) })))
      .filter(({ t }) => t === 'main' || t === 'cli');
    expect(bad.map(({ f, s }) => `${path.relative(SRC, f)} imports ${s}`)).toEqual([]);
  });

  // The relevance evaluation reads the IR collections where they are, by design (never copied in).
  it('keeps the product from reading ../shared', () => {
    const bad = files
      .filter((f) => layer(f) !== 'eval')
      .filter((f) => /\.\.\/shared|\/work\/shared/.test(fs.readFileSync(f, 'utf8')));
    expect(bad.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
