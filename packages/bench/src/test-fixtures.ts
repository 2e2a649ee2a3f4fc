import { REPORT_SCHEMA, type Report, type ScenarioResult } from './report.js';
import { summarize, type Summary } from './stats.js';

/** A run-time summary from explicit samples (ms). */
export function times(...samples: number[]): Summary {
  return summarize(samples);
}

export function okResult(name: string, samples: number[], suite: ScenarioResult['suite'] = 'search'): ScenarioResult {
  return { name, suite, title: name, status: 'ok', timeMs: times(...samples) };
}

/** A minimal valid report around the given scenario results. */
export function syntheticReport(scenarios: ScenarioResult[], over: Partial<Report> = {}): Report {
  return {
    schema: REPORT_SCHEMA,
    createdAt: '2026-01-01T00:00:00.000Z',
    scale: 'small',
    entries: 10_000,
    seed: 42,
    settings: { warmupRuns: 3, minRuns: 10, timeMs: 500, budgetMs: 20_000 },
    machine: { cpuModel: 'Test CPU', cores: 2, memoryBytes: 8 << 30, os: 'linux' },
    versions: { node: 'v20.0.0', rust: null, logsiftApi: '0.1.0', gitCommit: 'abc123', gitDirty: false },
    peers: [],
    data: [{ format: 'json', path: '/d/logs.jsonl', bytes: 100, entries: 10, sha256: 'aa' }],
    probes: {
      sampled: 0,
      noMatch: 'x',
      term17: null,
      term60: null,
      broad60: null,
      timeout: null,
      termRare: null,
      service: null,
      thread: null,
      threadRoot: null,
      request: null,
      requestWithError: null,
      requestsByServices: {},
      trace: null,
      comparePair: null,
      numericField: null,
    },
    scenarios,
    durationMs: 1000,
    ...over,
  };
}
