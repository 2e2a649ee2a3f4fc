import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built binary: tests exercise what users run. */
export const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
/** The 2,000-line Hadoop log of examples/sample: the figures the tests assert are its own. */
export const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample', 'hadoop.log');

export interface Run {
  code: number | null;
  json: Record<string, unknown>;
  stdout: string;
  stderr: string;
}

/** Spawns `logsift ...args` with stdout piped (so JSON is the default). */
export function logsift(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env['FORCE_COLOR'];
  if (options.env?.['FORCE_COLOR']) env['FORCE_COLOR'] = options.env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: options.input ?? '', env, maxBuffer: 256 * 1024 * 1024, ...(options.cwd ? { cwd: options.cwd } : {}) });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // text output or JSON lines
  }
  return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary directory with the given files; remove() when done. */
export function tempFiles(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-cli-test-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
