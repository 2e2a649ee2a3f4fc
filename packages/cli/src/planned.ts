import type { Investigation } from '@logsift/api';
import { CliError } from './envelope.js';
import { colors, generic } from './render.js';
import { renderEntries, type EntryLike } from './render-entries.js';
import type { ArgDef, CommandDef, Example, FlagDef, Options, RunContext } from './spec.js';

/**
 * A command written against a planned api method (the "planned api surface" of the brief)
 * that main does not have yet. Its definition is complete (flags, help, MCP schema), but it
 * is NOT registered: registry.ts lists it under `pending` until the method lands, then it
 * moves to COMMANDS with a dedicated formatter and an end-to-end test.
 */
export interface PlannedSpec {
  name: string;
  summary: string;
  description?: string;
  /** The Investigation method it will call. */
  method: string;
  args: ArgDef[];
  flags: FlagDef[];
  examples: Example[];
  /** Flags → the planned method's argument object. */
  toArgs(options: Options, ctx: RunContext): Record<string, unknown>;
  /** Whether the result holds anything (exit 0) or not (exit 1). */
  found?(data: unknown): boolean;
}

type Method = (args: Record<string, unknown>, control?: { signal?: AbortSignal }) => Promise<unknown>;

/** Calls a method that may not exist yet; a missing one is an error, never a fake result. */
export async function callPlanned(inv: Investigation, method: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const fn = (inv as unknown as Record<string, Method | undefined>)[method];
  if (typeof fn !== 'function') {
    throw new CliError('NOT_IMPLEMENTED', `this logsift build has no Investigation.${method} yet`, 'upgrade @logsift/api');
  }
  return fn.call(inv, args, { signal });
}

function defaultFound(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  if (Array.isArray(data)) return data.length > 0;
  if (typeof data === 'object') {
    const d = data as Record<string, unknown>;
    for (const key of ['total', 'totalMatches', 'count']) if (typeof d[key] === 'number') return (d[key] as number) > 0;
    for (const key of ['entries', 'items', 'ids', 'templates', 'steps']) if (Array.isArray(d[key])) return (d[key] as unknown[]).length > 0;
  }
  return true;
}

/** Entries as log lines, everything else generically. */
function plannedText(data: unknown, ctx: Parameters<CommandDef['text']>[1]): string {
  const c = colors(ctx);
  if (data !== null && typeof data === 'object' && Array.isArray((data as { entries?: unknown }).entries)) {
    const { entries, ...rest } = data as { entries: EntryLike[] };
    return [renderEntries(entries, ctx), '', c.dim(generic(rest, ctx))].join('\n');
  }
  return generic(data, ctx);
}

/** `--id VALUE [--kind K]`: the one thread/request/trace/span/service an operation is about. */
export function idFlags(required: boolean): FlagDef[] {
  return [
    { name: 'id', type: 'string', group: 'command', valueName: 'value', ...(required ? { required: true } : {}), description: 'the thread, request, trace, span or service id' },
    { name: 'kind', type: 'string', group: 'command', choices: ['thread', 'request', 'trace', 'span', 'service'], description: 'what the id is (default: found by looking it up)' },
  ];
}

export function plannedCommand(spec: PlannedSpec): CommandDef {
  return {
    name: spec.name,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    args: spec.args,
    flags: spec.flags,
    examples: spec.examples,
    uses: ['open', `Investigation.${spec.method}`],
    run: async (ctx) => {
      const inv = await ctx.open();
      const data = await callPlanned(inv, spec.method, spec.toArgs(ctx.options, ctx), ctx.signal);
      return { data, found: (spec.found ?? defaultFound)(data) };
    },
    text: plannedText,
  };
}
