import type { Investigation } from '@logsift/api';
import type { DataSet } from './data-cache.js';
import type { Probes } from './probes.js';
import type { ScaleName } from './scales.js';
import type { Units } from './stats.js';

/** Scenario families, in report order. */
export const SUITES = ['index', 'search', 'output', 'investigate', 'sampling', 'sqlite', 'watch', 'web', 'cli', 'peers'] as const;
export type Suite = (typeof SUITES)[number];

/** A command a scenario spawns: its peak memory is that process's own (GNU time). */
export interface SpawnedCommand {
  cmd: string;
  args: string[];
}

/** A scenario ready to run: `run` is the function measured. */
export interface Prepared<R = unknown> {
  run: () => Promise<R> | R;
  /** Called after each run, outside the timed window (e.g. closing what `run` opened). */
  release?: (result: R) => Promise<void> | void;
  /** What one run processes, for throughput. */
  units?: Units;
  /** Facts about the work, from the first run's result (match counts, chosen terms). */
  describe?: (result: R) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Inputs chosen at setup (query, ids), shown in the report. */
  inputs?: Record<string, unknown>;
  /** Full GC after each run, outside the timed window (runs that allocate native memory). */
  gcBetweenRuns?: boolean;
  /** Set when `run` spawns this process: its peak is measured on that process. */
  spawned?: SpawnedCommand;
  teardown?: () => Promise<void> | void;
}

/** Everything a scenario may use; serializable so a child process can rebuild it. */
export interface RunPlan {
  scale: ScaleName;
  entries: number;
  seed: number;
  data: DataSet;
  /** Scratch directory for outputs (SQLite files, JSONL). */
  workDir: string;
  /** `node <cliBin>` runs the logsift CLI; undefined when it is not installed. */
  cliBin: string | undefined;
  probes: Probes;
  /** Decompressed size of `index.open-gzip-big`'s input (default per scale). */
  gzBytes?: number;
}

export interface ScenarioContext extends RunPlan {
  /** An investigation over one of the data files, opened once and shared by scenarios. */
  investigation(format: 'json' | 'text'): Promise<Investigation>;
}

export interface Scenario {
  /** Stable name, `suite.what`: reports are compared by it. */
  name: string;
  suite: Suite;
  title: string;
  /** The figure the issues ask for, shown beside the result. */
  target?: string;
  /** For peers: the logsift scenarios it is compared with (ratio = peer time / logsift time). */
  pairedWith?: string[];
  /** For peers: the tool's name. */
  peer?: string;
  /** Throws `Unavailable` (or `SkipScenario`) when it cannot run here. */
  setup: (ctx: ScenarioContext) => Promise<Prepared>;
}

/** A scenario that cannot run here for a reason other than a missing api (no peer tool, no such id in the data). */
export class SkipScenario extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipScenario';
  }
}

/** Builds a typed Prepared (keeps `R` between run, release and describe). */
export function prepared<R>(p: Prepared<R>): Prepared {
  return p as Prepared;
}
