import { bottlenecksCommand } from './commands/bottlenecks.js';
import { commandsCommand } from './commands/commands.js';
import { compareCommand } from './commands/compare.js';
import { contextCommand } from './commands/context.js';
import { countCommand } from './commands/count.js';
import { dbToJsonlCommand } from './commands/db-to-jsonl.js';
import { detectCommand } from './commands/detect.js';
import { diffCommand } from './commands/diff.js';
import { emitCommand } from './commands/emit.js';
import { errorFlowCommand } from './commands/error-flow.js';
import { exportCommand } from './commands/export.js';
import { followCommand } from './commands/follow.js';
import { hierarchyCommand } from './commands/hierarchy.js';
import { idsCommand } from './commands/ids.js';
import { mcpCommand } from './commands/mcp.js';
import { metricsCommand } from './commands/metrics.js';
import { sampleCommand } from './commands/sample.js';
import { schemaCommand } from './commands/schema.js';
import { searchCommand } from './commands/search.js';
import { sqlCommand } from './commands/sql.js';
import { statsCommand } from './commands/stats.js';
import { summarizeCommand } from './commands/summarize.js';
import { templatesCommand } from './commands/templates.js';
import { timelineCommand } from './commands/timeline.js';
import { triageCommand } from './commands/triage.js';
import { Investigation } from '@logsift/api';
import type { CommandDef, PendingCommand } from './spec.js';

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
  summarizeCommand,
  emitCommand,
  exportCommand,
  sqlCommand,
  dbToJsonlCommand,
];

/**
 * Commands written against planned api methods that main does not have yet (definitions,
 * help and a generic formatter exist). They are NOT registered: running one is an
 * unknown-command usage error, and `commands --json` lists them under `pending` with the
 * methods they wait for. When a method lands, the command moves to COMMANDS with a test.
 */
export const PLANNED: CommandDef[] = [];

/** Commands waiting for @logsift/sqlite-export entry points (none now). */
export const PLANNED_SQLITE: CommandDef[] = [];

/** Api methods already used by wired commands (so not waited for). */
const WIRED_API = new Set(COMMANDS.flatMap((d) => d.uses));

/** True when @logsift/api already has the method a planned command waits for. */
function apiHas(use: string): boolean {
  const method = use.startsWith('Investigation.') ? use.slice('Investigation.'.length) : undefined;
  return method !== undefined && typeof (Investigation.prototype as unknown as Record<string, unknown>)[method] === 'function';
}

export const PENDING: PendingCommand[] = [...PLANNED, ...PLANNED_SQLITE].map((d) => {
  const waits = d.uses.filter((u) => u !== 'open' && !WIRED_API.has(u));
  return {
    name: d.name,
    summary: d.summary,
    // Honest about why: the api method may exist while the CLI definition is not adapted yet.
    waitsFor: waits.every(apiHas) && waits.length > 0 ? `CLI wiring (${waits.join(' + ')} exists in the api)` : waits.join(' + '),
  };
});

/** Every wired command, including the two that describe and serve the others. */
export function allCommands(): CommandDef[] {
  return [...COMMANDS, commandsCommand, mcpCommand];
}
