import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectGarbage, peakRss, snapshot, type MemorySnapshot } from './memory.js';
import type { Prepared } from './scenario.js';

/**
 * Memory of one run measured in isolation. Peak RSS (VmHWM) is process-wide, so a process
 * that ran other scenarios first would report their high-water mark: each scenario gets a
 * fresh child, and the mark is reset (`5` → /proc/self/clear_refs) after setup so the peak
 * is the run's own.
 */
export interface IsolatedMemory {
  /** Where it was measured. */
  measuredIn: 'scenario child process' | 'spawned command (GNU time maxrss)';
  /** After loading the api, before setup. */
  before?: MemorySnapshot;
  /** After setup (shared investigations opened), GC'd. */
  afterSetup?: MemorySnapshot;
  /** After one run, its result still held, GC'd. */
  afterRun?: MemorySnapshot;
  /** Peak resident set during the run (bytes). */
  peakRss: number;
  /** Peak minus the resident set just before the run: what the run itself added at its worst. */
  peakGrowth?: number;
  /** False when the high-water mark could not be reset: the peak then includes setup. */
  hwmReset?: boolean;
}

const LINE_MARK = 'LOGSIFT_BENCH_CHILD ';

/** Resets the process's peak RSS to its current RSS (Linux ≥ 4.0). */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** In the child: measures one run of a prepared scenario (setup already done) and prints it. */
export async function measureOnce(prepared: Prepared, before: MemorySnapshot): Promise<IsolatedMemory> {
  collectGarbage();
  const afterSetup = snapshot();
  const hwmReset = resetPeak();
  const rssBefore = snapshot().rss;
  const result = await prepared.run();
  const peak = peakRss();
  collectGarbage();
  const afterRun = snapshot();
  const memory: IsolatedMemory = {
    measuredIn: 'scenario child process',
    before,
    afterSetup,
    afterRun,
    peakRss: peak,
    peakGrowth: peak - rssBefore,
    hwmReset,
  };
  if (prepared.release) await prepared.release(result);
  return memory;
}

export function printChildResult(payload: { memory?: IsolatedMemory; skipped?: string; error?: string }): void {
  process.stdout.write(`${LINE_MARK}${JSON.stringify(payload)}\n`);
}

/** In the parent: runs `node --expose-gc dist/scenario-child.js <scenario> <scale> <plan>` and reads its line. */
export function runScenarioChild(childScript: string, scenario: string, scale: string, planPath: string): Promise<IsolatedMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', childScript, scenario, scale, planPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(LINE_MARK));
      if (!line) {
        reject(new Error(`scenario child exited ${code} without a result: ${err.slice(-500)}`));
        return;
      }
      const payload = JSON.parse(line.slice(LINE_MARK.length)) as { memory?: IsolatedMemory; skipped?: string; error?: string };
      if (payload.memory) resolve(payload.memory);
      else reject(new Error(payload.error ?? payload.skipped ?? 'scenario child gave no memory figures'));
    });
  });
}

/** Path of the child entry next to this module (dist/scenario-child.js once built). */
export function childScriptPath(distDir: string): string {
  return join(distDir, 'scenario-child.js');
}

export function readPlan<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
