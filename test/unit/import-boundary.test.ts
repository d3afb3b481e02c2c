// DESIGN.md: imports run one way, router/ → realms/. Nothing under realms/ may import router/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('import boundary', () => {
  const files = sourceFiles(join(root, 'realms'));

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('nothing under realms/ imports from router/ (or any package but node: built-ins)', () => {
    const offenders: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        if (spec.startsWith('node:')) continue;
        const target = resolve(dirname(file), spec);
        const inside = relative(join(root, 'realms'), target);
        if (!spec.startsWith('.') || inside.startsWith('..')) offenders.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('realms/protocol/ imports nothing outside itself', () => {
    const offenders: string[] = [];
    for (const file of files.filter((path) => path.includes(`${join('realms', 'protocol')}`))) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        if (spec.startsWith('node:')) continue;
        const inside = relative(join(root, 'realms', 'protocol'), resolve(dirname(file), spec));
        if (inside.startsWith('..')) offenders.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
