import type { Scenario } from '../scenario.js';
import { cliScenarios } from './cli.js';
import { correlationRuleScenarios } from './correlation-rules.js';
import { gzipMemoryScenarios } from './gzip-memory.js';
import { indexScenarios } from './index-build.js';
import { investigateScenarios, samplingScenarios } from './investigate.js';
import { parquetScenarios } from './parquet.js';
import { peerScenarios } from './peers.js';
import { searchScenarios } from './search.js';
import { sqliteScenarios } from './sqlite.js';
import { watchScenarios } from './watch.js';
import { webScenarios } from './web.js';

/** Every scenario, in report order. Names are stable: reports are compared by them. */
export const SCENARIOS: readonly Scenario[] = [
  ...indexScenarios,
  ...gzipMemoryScenarios,
  ...searchScenarios,
  ...investigateScenarios,
  ...correlationRuleScenarios,
  ...samplingScenarios,
  ...sqliteScenarios,
  ...parquetScenarios,
  ...watchScenarios,
  ...webScenarios,
  ...cliScenarios,
  ...peerScenarios,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** Scenarios whose name matches the regex (all when none given). */
export function selectScenarios(filter?: string): Scenario[] {
  if (!filter) return [...SCENARIOS];
  const re = new RegExp(filter);
  return SCENARIOS.filter((s) => re.test(s.name));
}
