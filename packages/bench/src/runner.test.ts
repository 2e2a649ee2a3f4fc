import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DataFile, DataFormat, DataSet } from './data-cache.js';
import { renderMarkdown } from './markdown.js';
import { REPORT_SCHEMA } from './report.js';
import { runBench } from './runner.js';
import { selectScenarios } from './scenarios/registry.js';

const ENTRIES = 40;

/** A hand-written data cache (the runner reuses a cache whose manifest matches), so this test needs no generator. */
function fixtureCache(root: string): void {
  const dir = join(root, 'seed-42', 'small');
  mkdirSync(dir, { recursive: true });
  const json: string[] = [];
  const text: string[] = [];
  const logfmt: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const time = new Date(Date.UTC(2024, 4, 1, 10, 0, i)).toISOString();
    const level = i % 10 === 0 ? 'error' : 'info';
    const msg = i % 3 === 0 ? `slow query took ${i}ms` : `request handled for user ${i}`;
    json.push(JSON.stringify({ time, level, msg, service: i % 2 ? 'api' : 'db', thread: `worker-${i % 3}`, request_id: `r${i % 5}`, duration_ms: i }));
    text.push(`${time.replace('T', ' ').replace('Z', '').replace('.', ',')} ${level.toUpperCase()} [worker-${i % 3}] app: ${msg}`);
    logfmt.push(`time=${time} level=${level} msg="${msg}"`);
  }
  const files = {} as Record<DataFormat, DataFile>;
  const put = (format: DataFormat, name: string, data: Buffer | string, entries = ENTRIES): void => {
    const path = join(dir, name);
    writeFileSync(path, data);
    const bytes = readFileSync(path);
    files[format] = { path, bytes: bytes.length, entries, sha256: createHash('sha256').update(bytes).digest('hex') };
  };
  put('json', 'logs.jsonl', `${json.join('\n')}\n`);
  put('text', 'logs.log', `${text.join('\n')}\n`);
  put('logfmt', 'logs.logfmt', `${logfmt.join('\n')}\n`);
  put('jsonGz', 'logs.jsonl.gz', gzipSync(`${json.join('\n')}\n`));
  put('tiny', 'tiny.log', `${text.slice(0, 5).join('\n')}\n`, 5);
  const set: DataSet = { dir, scale: 'small', seed: 42, entries: ENTRIES, files, truth: {} };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(set));
}

describe('runBench', () => {
  it('measures, skips what this version lacks, and writes a report of the documented shape', async () => {
    const out = mkdtempSync(join(tmpdir(), 'logsift-bench-'));
    fixtureCache(join(out, 'data'));
    const report = await runBench({
      scale: 'small',
      entries: ENTRIES,
      seed: 42,
      scenarios: selectScenarios('^index\\.build-(json|text)$|^search\\.level-error$|^investigate\\.follow-request$'),
      settings: { warmupRuns: 1, minRuns: 3, timeMs: 0 },
      budgetMs: 20_000,
      dataDir: join(out, 'data'),
      workDir: join(out, 'work'),
      distDir: join(import.meta.dirname, '..', 'dist'),
      isolatedPeak: true,
    });
    expect(report).toMatchObject({ schema: REPORT_SCHEMA, scale: 'small', entries: ENTRIES, seed: 42 });
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(typeof report.machine.cpuModel).toBe('string');
    expect(report.versions.node).toBe(process.version);
    expect(report.data.map((d) => d.format)).toEqual(['json', 'text', 'logfmt', 'jsonGz', 'tiny']);
    expect(report.probes.sampled).toBe(ENTRIES);

    const build = report.scenarios.find((s) => s.name === 'index.build-json');
    expect(build?.status).toBe('ok');
    expect(build?.timeMs?.runs).toBeGreaterThanOrEqual(3);
    expect(build?.found).toMatchObject({ entries: ENTRIES });
    expect(build?.throughput?.entriesPerSec).toBeGreaterThan(0);
    expect(build?.memory?.inProcess?.afterRuns.jsHeapUsed).toBeGreaterThan(0);
    // Peak from a fresh child process, with its own before/after figures.
    expect(build?.memory?.isolatedError).toBeUndefined();
    expect(build?.memory?.isolated).toMatchObject({ measuredIn: 'scenario child process' });
    expect(build?.memory?.isolated?.peakRss).toBeGreaterThan(0);
    expect(build?.memory?.isolated?.afterRun?.anonRss).toBeGreaterThan(0);

    // A capability this version lacks is reported as skipped, never faked.
    for (const s of report.scenarios.filter((x) => x.name.startsWith('search.') || x.name.startsWith('investigate.'))) {
      if (s.status === 'skipped') expect(s.reason).toMatch(/^not available in this version: /);
      else expect(s.status).toBe('ok');
    }
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const md = renderMarkdown(report);
    expect(md).toMatch(/^# logsift bench — small/);
    expect(md).toMatch(/\| index\.build-json \|/);
  });
});
