import { bottlenecksCommand } from './commands/bottlenecks.js';
import { cacheCommand } from './commands/cache.js';
import { commandsCommand } from './commands/commands.js';
import { compareCommand } from './commands/compare.js';
import { contextCommand } from './commands/context.js';
import { correlateEventsCommand } from './commands/correlate-events.js';
import { countCommand } from './commands/count.js';
import { dbToJsonlCommand } from './commands/db-to-jsonl.js';
import { detectCommand } from './commands/detect.js';
import { diffCommand } from './commands/diff.js';
import { emitCommand } from './commands/emit.js';
import { errorFlowCommand } from './commands/error-flow.js';
import { exportTraceCommand } from './commands/export-trace.js';
import { exportCommand } from './commands/export.js';
import { followCommand } from './commands/follow.js';
import { formatCommand } from './commands/format.js';
import { hierarchyCommand } from './commands/hierarchy.js';
import { idsCommand } from './commands/ids.js';
import { mcpCommand } from './commands/mcp.js';
import { metricsCommand } from './commands/metrics.js';
import { sampleCommand } from './commands/sample.js';
import { schemaCommand } from './commands/schema.js';
import { searchCommand } from './commands/search.js';
import { sessionCommand } from './commands/session.js';
import { sqlCommand } from './commands/sql.js';
import { statsCommand } from './commands/stats.js';
import { summarizeCommand } from './commands/summarize.js';
import { tailCommand } from './commands/tail.js';
import { templatesCommand } from './commands/templates.js';
import { timelineCommand } from './commands/timeline.js';
import { triageCommand } from './commands/triage.js';
import { serveCommand } from './commands/serve.js';
import { watchCommand } from './commands/watch.js';
import { verifyPatternCommand } from './commands/verify-pattern.js';
import type { CommandDef } from './spec.js';

/** Commands that work: their api exists on main and they are tested end to end. */
export const COMMANDS: CommandDef[] = [
  statsCommand,
  detectCommand,
  schemaCommand,
  searchCommand,
  countCommand,
  templatesCommand,
  triageCommand,
  followCommand,
  idsCommand,
  contextCommand,
  hierarchyCommand,
  timelineCommand,
  errorFlowCommand,
  sampleCommand,
  metricsCommand,
  bottlenecksCommand,
  compareCommand,
  diffCommand,
  correlateEventsCommand,
  verifyPatternCommand,
  exportTraceCommand,
  summarizeCommand,
  emitCommand,
  exportCommand,
  sqlCommand,
  dbToJsonlCommand,
  cacheCommand,
  watchCommand,
  tailCommand,
  formatCommand,
  serveCommand,
];

/**
 * Every wired command, including the two that describe and serve the others. They get the
 * list from here rather than importing this module, so the import graph stays a tree.
 */
const ALL: CommandDef[] = [
  ...COMMANDS,
  sessionCommand(() => COMMANDS),
  commandsCommand(() => ALL),
  mcpCommand(() => ALL.filter((d) => d.mcp !== false)),
];

export function allCommands(): CommandDef[] {
  return ALL;
}
