import type { Envelope } from './envelope.js';

export type OutputMode = 'json' | 'text';

/** JSON when stdout is not a terminal (agents, pipes), text when it is; flags force either. */
export function outputMode(flags: { json?: boolean; text?: boolean }): OutputMode {
  if (flags.json) return 'json';
  if (flags.text) return 'text';
  return process.stdout.isTTY ? 'text' : 'json';
}

/** Colour only on a terminal, and never with NO_COLOR or --no-color. */
export function useColor(flags: { color?: boolean }): boolean {
  return process.stdout.isTTY === true && flags.color !== false && !process.env['NO_COLOR'];
}

export function printJson(envelope: Envelope, pretty: boolean): void {
  process.stdout.write(`${JSON.stringify(envelope, null, pretty ? 2 : undefined)}\n`);
}
