import { describe, expect, it } from 'vitest';
import { memoryDelta, parseProcStatus, parseSmapsRollup, residentSplit, snapshot } from './memory.js';

const ROLLUP = `557673d52000-7ffc29c4c000 ---p 00000000 00:00 0                          [rollup]
Rss:               81632 kB
Pss:               70234 kB
Pss_Anon:          50112 kB
Pss_File:          20122 kB
Shared_Clean:       1480 kB
Private_Dirty:     50112 kB
Anonymous:         50112 kB
LazyFree:              0 kB
AnonHugePages:      2048 kB
Swap:                  0 kB
`;

describe('smaps_rollup', () => {
  it('parses every kB field into bytes and skips the header', () => {
    const r = parseSmapsRollup(ROLLUP);
    expect(r['Rss']).toBe(81632 * 1024);
    expect(r['Anonymous']).toBe(50112 * 1024);
    expect(r['AnonHugePages']).toBe(2048 * 1024);
    expect(Object.keys(r)).not.toContain('557673d52000-7ffc29c4c000');
  });

  it('splits resident memory into anonymous and file-backed', () => {
    expect(residentSplit(parseSmapsRollup(ROLLUP))).toEqual({
      rss: 81632 * 1024,
      anonRss: 50112 * 1024,
      fileRss: (81632 - 50112) * 1024,
    });
    expect(() => residentSplit(parseSmapsRollup('Pss: 1 kB'))).toThrow(/Rss/);
  });

  it('reads peak and current RSS from /proc status', () => {
    const s = parseProcStatus('Name:\tnode\nVmPeak:\t  900 kB\nVmHWM:\t    1908 kB\nVmRSS:\t    1500 kB\nThreads:\t7\n');
    expect(s).toEqual({ VmPeak: 900 * 1024, VmHWM: 1908 * 1024, VmRSS: 1500 * 1024 });
  });

  it('takes a live snapshot and computes deltas', () => {
    const a = snapshot();
    expect(a.jsHeapUsed).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      expect(a.anonRss).toBeGreaterThan(0);
      expect(a.anonRss + a.fileRss).toBe(a.rss);
    }
    expect(memoryDelta(a, { ...a, anonRss: a.anonRss + 10 }).anonRss).toBe(10);
  });
});
