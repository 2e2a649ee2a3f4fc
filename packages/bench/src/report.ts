import type { DataFormat, DataFile } from './data-cache.js';
import type { MachineInfo, Versions } from './machine.js';
import type { MeasureSettings } from './measure.js';
import type { MemorySnapshot } from './memory.js';
import type { IsolatedMemory } from './peak-memory.js';
import type { Probes } from './probes.js';
import type { ScaleName } from './scales.js';
import type { Suite } from './scenario.js';
import type { Summary, Throughput, Units } from './stats.js';

export const REPORT_SCHEMA = 'logsift-bench/1';

/** A peer's time divided by a logsift scenario's (median over median): above 1, logsift is faster. */
export interface PeerRatio {
  scenario: string;
  ratio: number;
}

export interface ScenarioResult {
  name: string;
  suite: Suite;
  title: string;
  target?: string;
  peer?: string;
  status: 'ok' | 'skipped' | 'error';
  /** Why it was skipped or failed. */
  reason?: string;
  inputs?: Record<string, unknown>;
  /** What the first run found (match counts, exit codes). */
  found?: Record<string, unknown>;
  /** Warm-up runs discarded (the first one's result is `found`). */
  warmupRuns?: number;
  /** Measured run times in milliseconds. */
  timeMs?: Summary;
  units?: Units;
  /** At the median run time. */
  throughput?: Throughput;
  memory?: {
    /** In the bench process, around all of the scenario's runs (shared investigations stay open). */
    inProcess?: { beforeSetup: MemorySnapshot; afterSetup: MemorySnapshot; afterRuns: MemorySnapshot };
    /** One run in a fresh process (peak per scenario). */
    isolated?: IsolatedMemory;
    isolatedError?: string;
  };
  ratios?: PeerRatio[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  createdAt: string;
  scale: ScaleName;
  entries: number;
  seed: number;
  settings: MeasureSettings & { budgetMs: number };
  machine: MachineInfo;
  versions: Versions;
  peers: { name: string; version: string | null; installed: boolean }[];
  data: (DataFile & { format: DataFormat })[];
  probes: Probes;
  scenarios: ScenarioResult[];
  durationMs: number;
}

/** Peer medians over the medians of the logsift scenarios they are paired with. */
export function peerRatios(results: readonly ScenarioResult[], pairs: ReadonlyMap<string, readonly string[]>): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  for (const r of results) {
    const paired = pairs.get(r.name);
    if (!paired || r.status !== 'ok' || !r.timeMs) continue;
    const ratios: PeerRatio[] = [];
    for (const name of paired) {
      const ours = byName.get(name);
      if (ours?.status === 'ok' && ours.timeMs && ours.timeMs.median > 0) ratios.push({ scenario: name, ratio: r.timeMs.median / ours.timeMs.median });
    }
    r.ratios = ratios;
  }
}

/** Checks a parsed JSON document is a report this version can read. */
export function assertReport(value: unknown, label: string): Report {
  const r = value as Partial<Report>;
  if (typeof value !== 'object' || value === null || r.schema !== REPORT_SCHEMA || !Array.isArray(r.scenarios)) {
    throw new Error(`${label} is not a logsift-bench report (schema ${REPORT_SCHEMA})`);
  }
  return value as Report;
}
