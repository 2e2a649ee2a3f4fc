import { readFileSync } from 'node:fs';

/**
 * One memory reading, in bytes, each figure labelled by what it really measures. A process's
 * peak RSS hides everything else and a JS heap tracer is blind to native memory, so the
 * figures are kept apart:
 * - `jsHeapUsed`: V8 heap in use (`process.memoryUsage().heapUsed`);
 * - `anonRss`: resident anonymous memory of the whole process (`Anonymous` in
 *   /proc/self/smaps_rollup): native allocations such as the index, plus the V8 heap;
 * - `fileRss`: resident file-backed pages (`Rss - Anonymous`): memory-mapped log files and
 *   shared libraries, which the kernel can drop and reload at will;
 * - `rss`: everything resident.
 */
export interface MemorySnapshot {
  jsHeapUsed: number;
  anonRss: number;
  fileRss: number;
  rss: number;
}

/** Fields of /proc/<pid>/smaps_rollup, in bytes (the file gives kB). */
export type SmapsRollup = Record<string, number>;

/** Parses the `Name:   123 kB` lines of smaps_rollup (the first line is the VMA header). */
export function parseSmapsRollup(text: string): SmapsRollup {
  const out: SmapsRollup = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)\s*kB\s*$/.exec(line.trim());
    if (m) out[m[1] as string] = Number(m[2]) * 1024;
  }
  return out;
}

/** Anonymous, file-backed and total resident bytes from a parsed smaps_rollup. */
export function residentSplit(rollup: SmapsRollup): { rss: number; anonRss: number; fileRss: number } {
  const rss = rollup['Rss'];
  const anonRss = rollup['Anonymous'];
  if (rss === undefined || anonRss === undefined) throw new Error('smaps_rollup has no Rss or Anonymous field');
  return { rss, anonRss, fileRss: rss - anonRss };
}

/** Parses `VmHWM:  1234 kB` style fields of /proc/<pid>/status, in bytes. */
export function parseProcStatus(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(Vm\w+|Rss\w+):\s+(\d+)\s*kB/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]) * 1024;
  }
  return out;
}

/** True where /proc/self/smaps_rollup exists (Linux ≥ 4.14). */
export function procAvailable(): boolean {
  try {
    readFileSync('/proc/self/smaps_rollup', 'utf8');
    return true;
  } catch {
    return false;
  }
}

/** Runs a full GC first when node runs with --expose-gc, so the heap figure is live data. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** Reads this process's memory now. Off Linux, the resident split falls back to rss only. */
export function snapshot(): MemorySnapshot {
  const { heapUsed, rss: nodeRss } = process.memoryUsage();
  try {
    const split = residentSplit(parseSmapsRollup(readFileSync('/proc/self/smaps_rollup', 'utf8')));
    return { jsHeapUsed: heapUsed, ...split };
  } catch {
    return { jsHeapUsed: heapUsed, anonRss: Number.NaN, fileRss: Number.NaN, rss: nodeRss };
  }
}

/** Peak resident set of this process since it started (VmHWM), in bytes. */
export function peakRss(): number {
  try {
    const status = parseProcStatus(readFileSync('/proc/self/status', 'utf8'));
    return status['VmHWM'] ?? process.resourceUsage().maxRSS * 1024;
  } catch {
    return process.resourceUsage().maxRSS * 1024;
  }
}

/** b − a for every figure. */
export function memoryDelta(a: MemorySnapshot, b: MemorySnapshot): MemorySnapshot {
  return {
    jsHeapUsed: b.jsHeapUsed - a.jsHeapUsed,
    anonRss: b.anonRss - a.anonRss,
    fileRss: b.fileRss - a.fileRss,
    rss: b.rss - a.rss,
  };
}
