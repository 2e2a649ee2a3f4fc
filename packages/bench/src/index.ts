export { percentile, summarize, throughput, type Summary, type Throughput, type Units } from './stats.js';
export {
  generate,
  generateToFile,
  type GenerateOptions,
  type GenerateSummary,
  type GeneratedIncident,
} from '@logsift/api';
export { classify, compareReports, type Classification, type Comparison, type ConfidenceClass, type ScenarioComparison } from './compare.js';
export { renderComparisonSvg } from './compare-svg.js';
export { renderComparison } from './compare-text.js';
export { renderMarkdown } from './markdown.js';
export { parseSmapsRollup, residentSplit, snapshot, type MemorySnapshot } from './memory.js';
export { REPORT_SCHEMA, type Report, type ScenarioResult } from './report.js';
export { runBench, type RunOptions } from './runner.js';
export { SCALES, type ScaleName } from './scales.js';
export { SCENARIOS, selectScenarios } from './scenarios/registry.js';
export type { Scenario, Prepared, Suite } from './scenario.js';
export { generateSqliteTable, SQLITE_TABLE_MAPPING, type SqliteTableOptions } from './sqlite-table.js';
