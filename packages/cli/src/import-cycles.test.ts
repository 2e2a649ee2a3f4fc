import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The module graph of cli and api stays acyclic. Static imports, re-exports and dynamic
 * `import()` all count: a lazy import breaks no cycle, it only hides one.
 */
const packages = resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers a file imports, resolved to .ts paths. */
export function localImports(file: string, text: string): string[] {
  const specs = new Set<string>();
  // `import ... from 'x'`, `export ... from 'x'`, `import 'x'`, `import('x')`; `import type` too.
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;
  for (const m of text.matchAll(pattern)) specs.add(m[2]!);
  return [...specs].map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
export function findCycles(files: string[]): string[][] {
  const edges = new Map(files.map((f) => [f, localImports(f, readFileSync(f, 'utf8')).filter((t) => files.includes(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph', () => {
  it('finds a cycle when there is one (the checker itself works)', () => {
    expect(localImports('/x/a.ts', "import { b } from './b.js';\nexport * from '../c.js';\nconst m = await import('./d.js');")).toEqual(['/x/b.ts', '/c.ts', '/x/d.ts']);
  });

  it.each(['cli', 'api'])('packages/%s/src has no import cycle', (pkg) => {
    const files = sourceFiles(join(packages, pkg, 'src'));
    expect(files.length).toBeGreaterThan(5);
    const cycles = findCycles(files).map((c) => c.map((f) => relative(packages, f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
