import type { Investigation } from '@logsift/api';
import { elapsedSince as elapsed, now } from './clock.js';
import { CliError, describeError, EXIT, exitCodeFor, type Envelope } from './envelope.js';
import { projectEntries, validateFields } from './project.js';
import { progressReporter } from './progress.js';
import { openSources } from './sources.js';
import { printsEnvelope, type CommandDef, type Options, type RunContext } from './spec.js';
import { fitToBytes } from './truncate.js';

/** Flags that shape the terminal rendering only; not echoed in the envelope. */
const RENDER_ONLY = new Set(['json', 'text', 'pretty', 'color']);

export interface ExecuteIo {
  pretty: boolean;
  /** Show a progress bar on stderr (only ever drawn when stderr is a terminal). */
  progress: boolean;
  signal?: AbortSignal;
  /** Where streaming commands write (stdout for the CLI). */
  write?: (chunk: string) => Promise<void>;
}

export interface Execution {
  envelope: Envelope;
  exitCode: number;
}

/** The envelope's keys in their documented order. */
function canonical(e: Envelope): Envelope {
  return {
    ok: e.ok,
    command: e.command,
    inputs: e.inputs,
    ...(e.data !== undefined ? { data: e.data } : {}),
    ...(e.summary ? { summary: e.summary } : {}),
    ...(e.skipped ? { skipped: e.skipped } : {}),
    truncated: e.truncated,
    ...(e.error ? { error: e.error } : {}),
    elapsedMs: e.elapsedMs,
  };
}

/**
 * Runs one command: opens its sources, calls the api through the definition, applies
 * --fields/--compact and --max-bytes, and builds the envelope. Shared by the CLI and the
 * MCP server, so both give exactly the same answers.
 */
export async function execute(def: CommandDef, args: string[], options: Options, io: ExecuteIo): Promise<Execution> {
  const started = now();
  const echoed = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && !RENDER_ONLY.has(k)));
  let envelope: Envelope = { ok: true, command: def.name, inputs: { args, options: echoed }, truncated: false, elapsedMs: 0 };
  let exitCode: number = EXIT.found;
  const opened: Investigation[] = [];
  const progress = progressReporter(io.progress);
  try {
    const fields = options['fields'] as string[] | undefined;
    validateFields(fields);
    const ctx: RunContext = {
      args,
      options,
      signal: io.signal ?? new AbortController().signal,
      write: io.write ?? (async () => {}),
      open: async () => {
        const inv = await openSources(args, options, { signal: io.signal, onProgress: progress.onProgress });
        progress.stop();
        opened.push(inv);
        return inv;
      },
    };
    const result = await def.run(ctx);
    envelope.data = projectEntries(result.data, fields, options['compact'] === true);
    if (result.summary) envelope.summary = result.summary;
    const skipped = opened.flatMap((inv) => inv.skipped()).map(({ path, code, reason }) => ({ path, code, reason }));
    if (skipped.length > 0) envelope.skipped = skipped;
    exitCode = result.found ? EXIT.found : EXIT.nothing;
  } catch (error) {
    const err = describeError(error);
    envelope.ok = false;
    envelope.error = err;
    delete envelope.data;
    exitCode = exitCodeFor(err.code);
  } finally {
    progress.stop();
    for (const inv of opened) inv.close();
  }
  envelope.elapsedMs = elapsed(started);
  envelope = canonical(envelope);
  const maxBytes = options['maxBytes'];
  // A command that writes its own output (JSON lines) spends --max-bytes on that stream; its
  // envelope is printed, and so bounded, only when it reports an error.
  const bounded = printsEnvelope(def, options) || !envelope.ok;
  if (typeof maxBytes === 'number' && bounded && !fitToBytes(envelope, maxBytes, io.pretty)) {
    // Could not fit even with every list emptied and strings cut: report that instead.
    const err = new CliError('USAGE', `--max-bytes ${maxBytes} is too small for this envelope`, 'raise --max-bytes');
    return {
      envelope: { ok: false, command: def.name, inputs: { args: [], options: {} }, truncated: false, error: describeError(err), elapsedMs: elapsed(started) },
      exitCode: EXIT.usage,
    };
  }
  return { envelope, exitCode };
}
