import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { open } from '@logsift/api';
import { Unavailable } from './api-surface.js';
import { createContext } from './context.js';
import { DATA_FORMATS, ensureData } from './data-cache.js';
import { machineInfo, versions } from './machine.js';
import { measure, type MeasureSettings } from './measure.js';
import { snapshot } from './memory.js';
import { childScriptPath, runScenarioChild, type IsolatedMemory } from './peak-memory.js';
import { canMeasureSpawnedPeak, runWithPeakRss } from './spawn-process.js';
import { probe } from './probes.js';
import { peerRatios, REPORT_SCHEMA, type Report, type ScenarioResult } from './report.js';
import { SCALES, type ScaleName } from './scales.js';
import { SkipScenario, type RunPlan, type Scenario } from './scenario.js';
import { peerTool } from './scenarios/peers.js';
import { summarize, throughput } from './stats.js';
import { fmtMs } from './format.js';

export interface RunOptions {
  scale: ScaleName;
  /** Entries to generate instead of the scale's (tests use tiny data sets). */
  entries?: number;
  seed: number;
  scenarios: readonly Scenario[];
  settings: MeasureSettings;
  /** Generated data cache. */
  dataDir: string;
  /** Scratch files. */
  workDir: string;
  /** Directory of the built scenario-child.js. */
  distDir: string;
  /** Measure each scenario's peak in a fresh child process. */
  isolatedPeak: boolean;
  /** Per-scenario time budget (ms) that scales down the runs of slow scenarios. */
  budgetMs: number;
  /** Path of the logsift CLI's bin.js; found in node_modules when omitted. */
  cliBin?: string;
  /** Decompressed size of the big `.gz` scenario instead of the scale's default. */
  gzBytes?: number;
  log?: (line: string) => void;
}

/** The logsift CLI's bin.js, when the `logsift` package is installed beside this one. */
export function findCliBin(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('logsift/package.json');
    const pkg = require(pkgPath) as { bin?: Record<string, string> | string };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['logsift'];
    return bin ? resolve(dirname(pkgPath), bin) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs per scenario: the configured warm-up and measured runs, unless the first run shows
 * they would overrun the per-scenario budget; then one warm-up and at least 5 measured runs
 * (a slow peer would otherwise take most of the time). The runs used are in the report.
 */
export function adaptSettings(settings: MeasureSettings, firstRunMs: number, budgetMs: number): MeasureSettings {
  if (firstRunMs * (settings.warmupRuns + settings.minRuns) <= budgetMs) return settings;
  const runs = Math.max(MIN_RUNS, Math.min(settings.minRuns, Math.floor(budgetMs / firstRunMs) - 1));
  return { warmupRuns: Math.min(1, settings.warmupRuns), minRuns: runs, timeMs: 0 };
}
const MIN_RUNS = 5;

async function runScenario(scenario: Scenario, plan: RunPlan, planPath: string, ctx: ReturnType<typeof createContext>, options: RunOptions): Promise<ScenarioResult> {
  const base: ScenarioResult = {
    name: scenario.name,
    suite: scenario.suite,
    title: scenario.title,
    status: 'ok',
    ...(scenario.target ? { target: scenario.target } : {}),
    ...(scenario.peer ? { peer: scenario.peer } : {}),
  };
  const beforeSetup = snapshot();
  let prepared;
  try {
    prepared = await scenario.setup(ctx);
  } catch (error) {
    if (error instanceof Unavailable || error instanceof SkipScenario) return { ...base, status: 'skipped', reason: error.message };
    return { ...base, status: 'error', reason: error instanceof Error ? error.message : String(error) };
  }
  const afterSetup = snapshot();
  let isolated: IsolatedMemory | undefined;
  try {
    if (prepared.inputs) base.inputs = prepared.inputs;
    // The first run is the first warm-up. What it found goes into the report, so readers can
    // see every tool (and every version) did the same work. A spawned command runs it under
    // GNU time, which also gives that process's own peak RSS.
    const started = performance.now();
    let first: unknown;
    if (prepared.spawned && options.isolatedPeak && canMeasureSpawnedPeak()) {
      const r = await runWithPeakRss(prepared.spawned.cmd, prepared.spawned.args);
      first = r.result;
      isolated = { measuredIn: 'spawned command (GNU time maxrss)', peakRss: r.peakRss };
    } else {
      first = await prepared.run();
    }
    const firstMs = performance.now() - started;
    if (prepared.describe) base.found = await prepared.describe(first);
    if (prepared.release) await prepared.release(first);
    const settings = adaptSettings(options.settings, firstMs, options.budgetMs);
    const samples = await measure(scenario.name, prepared, { ...settings, warmupRuns: Math.max(0, settings.warmupRuns - 1) });
    const stats = summarize(samples);
    base.timeMs = stats;
    base.warmupRuns = settings.warmupRuns;
    if (prepared.units) {
      base.units = prepared.units;
      base.throughput = throughput(stats.median, prepared.units);
    }
    base.memory = { inProcess: { beforeSetup, afterSetup, afterRuns: snapshot() } };
  } catch (error) {
    return { ...base, status: 'error', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await prepared.teardown?.();
  }
  if (options.isolatedPeak) {
    try {
      if (isolated) base.memory.isolated = isolated;
      else if (prepared.spawned) base.memory.isolatedError = 'GNU time (/usr/bin/time) is not available to measure a spawned process';
      else base.memory.isolated = await runScenarioChild(childScriptPath(options.distDir), scenario.name, plan.scale, planPath);
    } catch (error) {
      base.memory.isolatedError = error instanceof Error ? error.message : String(error);
    }
  }
  return base;
}

/** Runs the scenarios at one scale and returns the report. */
export async function runBench(options: RunOptions): Promise<Report> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const entries = options.entries ?? SCALES[options.scale];
  const data = await ensureData(options.dataDir, options.scale, entries, options.seed, log);
  mkdirSync(options.workDir, { recursive: true });
  const probeInv = await open(data.files.json.path);
  const probes = await probe(probeInv);
  probeInv.close();
  const plan: RunPlan = {
    scale: options.scale,
    entries,
    seed: options.seed,
    data,
    workDir: options.workDir,
    cliBin: options.cliBin ?? findCliBin(),
    probes,
    ...(options.gzBytes !== undefined ? { gzBytes: options.gzBytes } : {}),
  };
  const planPath = join(options.workDir, `plan-${options.scale}-${process.pid}.json`);
  writeFileSync(planPath, JSON.stringify(plan, null, 2));
  log(`scale ${options.scale}: ${entries} entries, seed ${options.seed}; probes: 17% "${probes.term17?.term}", 60% "${probes.broad60?.terms.join('" or "')}" (${((probes.broad60?.share ?? 0) * 100).toFixed(1)}%)`);

  const ctx = createContext(plan);
  const results: ScenarioResult[] = [];
  for (const scenario of options.scenarios) {
    const r = await runScenario(scenario, plan, planPath, ctx, options);
    results.push(r);
    const what =
      r.status === 'ok' && r.timeMs
        ? `median ${fmtMs(r.timeMs.median)}  p95 ${fmtMs(r.timeMs.p95)}  cv ${(r.timeMs.cv * 100).toFixed(1)}%  (${r.timeMs.runs} runs)`
        : `${r.status}: ${r.reason}`;
    log(`${r.name.padEnd(36)} ${what}`);
  }
  ctx.close();
  peerRatios(results, new Map(options.scenarios.filter((s) => s.pairedWith).map((s) => [s.name, s.pairedWith ?? []])));

  const v = versions();
  return {
    schema: REPORT_SCHEMA,
    createdAt: new Date().toISOString(),
    scale: options.scale,
    entries,
    seed: options.seed,
    settings: { ...options.settings, budgetMs: options.budgetMs },
    machine: machineInfo(),
    versions: v,
    peers: (['rg', 'grep', 'lnav', 'logler'] as const).map((name) => {
      const t = peerTool(name);
      return { name, version: t.version ?? null, installed: t.bin !== undefined };
    }),
    data: DATA_FORMATS.map((format) => ({ format, ...data.files[format] })),
    probes,
    scenarios: results,
    durationMs: performance.now() - started,
  };
}
