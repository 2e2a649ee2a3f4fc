import { projectEntries } from './project.js';
import type { Options } from './spec.js';

/**
 * Lines of output bounded by `--max-bytes` (streaming commands: emit, watch): a line is taken
 * only while the total stays within the bound; after the first refused line, `full` is set.
 */
export class LineBudget {
  bytes = 0;
  lines = 0;
  full = false;
  readonly #max: number;

  constructor(options: Options) {
    this.#max = typeof options['maxBytes'] === 'number' ? options['maxBytes'] : Infinity;
  }

  /** Counts the line in, or says it would pass the bound. */
  take(line: string): boolean {
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.#max) {
      this.full = true;
      return false;
    }
    this.bytes += size;
    this.lines += 1;
    return true;
  }
}

/** One entry as a JSON line, with --fields and --compact applied. */
export function jsonLine(entry: object, options: Options): string {
  const fields = options['fields'] as string[] | undefined;
  return `${JSON.stringify((projectEntries([entry], fields, options['compact'] === true) as unknown[])[0])}\n`;
}
