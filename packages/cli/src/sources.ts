import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The api opens paths only, so `-` (stdin) is written to a temporary file first; the
 * returned `restore` maps that path back to `-` in results, and `cleanup` removes it.
 */
export async function resolveSources(args: string[]): Promise<{ paths: string[]; stdinPath?: string; cleanup: () => Promise<void> }> {
  if (!args.includes('-')) return { paths: args, cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'logsift-stdin-'));
  const stdinPath = join(dir, 'stdin.log');
  await writeFile(stdinPath, await readStdin());
  return {
    paths: args.map((a) => (a === '-' ? stdinPath : a)),
    stdinPath,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Replaces the temporary stdin path by `-` in every string of a result. */
export function restoreStdinName(value: unknown, stdinPath: string | undefined): unknown {
  if (!stdinPath) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(stdinPath) ? v.split(stdinPath).join('-') : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}
