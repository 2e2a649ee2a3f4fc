import type { Envelope } from './envelope.js';

export type OutputMode = 'json' | 'text';

/** JSON when stdout is not a terminal (agents, pipes), text when it is; flags force either. */
export function outputMode(flags: { json?: unknown; text?: unknown }): OutputMode {
  if (flags.json === true) return 'json';
  if (flags.text === true) return 'text';
  return process.stdout.isTTY ? 'text' : 'json';
}

/** Colour only on a terminal, and never with NO_COLOR or --no-color. FORCE_COLOR forces it. */
export function useColor(flags: { color?: unknown }, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flags.color === false || process.env['NO_COLOR']) return false;
  if (process.env['FORCE_COLOR'] && process.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true;
}

export function formatJson(envelope: Envelope, pretty: boolean): string {
  return `${JSON.stringify(envelope, null, pretty ? 2 : undefined)}\n`;
}
