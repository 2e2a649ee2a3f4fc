import { commandsCommand } from './commands/commands.js';
import { countCommand } from './commands/count.js';
import { detectCommand } from './commands/detect.js';
import { emitCommand } from './commands/emit.js';
import { exportCommand } from './commands/export.js';
import { mcpCommand } from './commands/mcp.js';
import { schemaCommand } from './commands/schema.js';
import { searchCommand } from './commands/search.js';
import { statsCommand } from './commands/stats.js';
import type { CommandDef, PendingCommand } from './spec.js';

/** Commands that work: their api exists on main and they are tested end to end. */
export const COMMANDS: CommandDef[] = [statsCommand, detectCommand, schemaCommand, searchCommand, countCommand, emitCommand, exportCommand];

/**
 * Commands whose definition waits for an api method that main does not have yet. They are
 * not registered (running one is an unknown-command usage error) and `commands --json`
 * lists them under `pending` with what they wait for.
 */
export const PENDING: PendingCommand[] = [
  { name: 'ids', summary: 'Threads, requests, traces or services seen, with counts and time spans.', waitsFor: 'Investigation.ids' },
  { name: 'follow', summary: 'Everything one thread, request or trace did, in order.', waitsFor: 'Investigation.follow' },
  { name: 'context', summary: 'The entries around one entry.', waitsFor: 'Investigation.context' },
  { name: 'hierarchy', summary: 'The span/call tree of a trace or request.', waitsFor: 'Investigation.hierarchy' },
  { name: 'bottlenecks', summary: 'The slowest operations and where time goes.', waitsFor: 'Investigation.bottlenecks' },
  { name: 'error-flow', summary: 'What led to errors: the entries and ids before each error.', waitsFor: 'Investigation.errorFlow' },
  { name: 'timeline', summary: 'Entries per time bucket, by level.', waitsFor: 'Investigation.timeline' },
  { name: 'compare', summary: 'Two time ranges or sources side by side.', waitsFor: 'Investigation.compare' },
  { name: 'diff', summary: 'Templates that appear, vanish or change between two scopes.', waitsFor: 'Investigation.diff' },
  { name: 'templates', summary: 'Message templates (log patterns) with counts.', waitsFor: 'Investigation.templates' },
  { name: 'sample', summary: 'A representative sample of entries.', waitsFor: 'Investigation.sample' },
  { name: 'metrics', summary: 'Numeric fields over time.', waitsFor: 'Investigation.metrics' },
  { name: 'triage', summary: 'First look: what is wrong, where, since when.', waitsFor: 'Investigation.triage' },
  { name: 'summarize', summary: 'A short digest of the logs for a model context window.', waitsFor: 'Investigation.triage + Investigation.templates' },
  { name: 'db-to-jsonl', summary: 'Rows of a SQLite table as JSON lines.', waitsFor: '@logsift/sqlite-export openSqlite' },
  { name: 'sql', summary: 'Run SQL over an exported database.', waitsFor: '@logsift/sqlite-export (query entry point)' },
];

/** Every wired command, including the two that describe and serve the others. */
export function allCommands(): CommandDef[] {
  return [...COMMANDS, commandsCommand, mcpCommand];
}
