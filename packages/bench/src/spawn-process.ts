import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ProcessResult {
  code: number | null;
  /** The first `keepBytes` of stdout (output beyond it is counted, not kept). */
  stdout: string;
  stdoutBytes: number;
  stderr: string;
}

/**
 * Runs a command to completion without a shell. Stdout is drained (so a large output costs
 * what it costs the tool to write it) but only its head is kept.
 */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: { keepBytes?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessResult> {
  const keep = options.keepBytes ?? 1 << 20;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let kept = 0;
    let total = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (kept < keep) {
        out.push(chunk.subarray(0, keep - kept));
        kept += Math.min(chunk.length, keep - kept);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 65536) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stdoutBytes: total, stderr }));
  });
}

/**
 * Runs `node --expose-gc SCRIPT ...args` and resolves to the JSON its stdout prints after
 * `marker` on a line of its own (the child's one result); rejects with the stderr tail when
 * there is none.
 */
export function runMarkedChild<T>(script: string, args: readonly string[], marker: string, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(`${marker} `));
      if (line) res(JSON.parse(line.slice(marker.length + 1)) as T);
      else rej(new Error(`${script} exited ${code}: ${err.slice(-800)}`));
    });
  });
}

/** Full path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** First line of `<cmd> --version` (or other args), or undefined when it fails. */
export function versionOf(cmd: string, args: readonly string[] = ['--version']): string | undefined {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return undefined;
    return `${r.stdout}${r.stderr}`.trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

const GNU_TIME = '/usr/bin/time';
const MARK = 'LOGSIFT_BENCH_MAXRSS_KB=';

/** True when GNU time is available to measure a spawned process's own peak RSS. */
export function canMeasureSpawnedPeak(): boolean {
  return existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', `${MARK}%M`, 'true'], { encoding: 'utf8' }).stderr?.includes(MARK) === true;
}

/**
 * Runs a command once under GNU time: its result plus its own peak RSS (bytes, from %M), which
 * is what a spawned process costs — the parent's high-water mark would say nothing about it.
 */
export async function runWithPeakRss(cmd: string, args: readonly string[], keepBytes = 1 << 16): Promise<{ result: ProcessResult; peakRss: number }> {
  const r = await runProcess(GNU_TIME, ['-f', `${MARK}%M`, cmd, ...args], { keepBytes });
  const m = new RegExp(`${MARK}(\\d+)\\s*$`).exec(r.stderr);
  if (!m) throw new Error(`GNU time gave no maxrss for ${cmd}: ${r.stderr.slice(-300)}`);
  // GNU time reports a failed command as "Command exited with non-zero status N" before the mark.
  const stderr = r.stderr.slice(0, m.index).replace(/Command exited with non-zero status \d+\n?$/, '');
  return { result: { ...r, stderr }, peakRss: Number(m[1]) * 1024 };
}
