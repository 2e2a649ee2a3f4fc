import type { NativeRowBatch, NativeRowBuffers } from './native.js';
import type { Query } from './query.js';
import type { Entry, LevelName } from './types.js';

/** The text columns of a `RowBatch`, in cell order. */
export const TEXT_COLUMNS = [
  'time',
  'levelText',
  'message',
  'thread',
  'request',
  'trace',
  'span',
  'parentSpan',
  'service',
  'component',
  'raw',
  'fields',
] as const;
export type TextColumn = (typeof TEXT_COLUMNS)[number];

const NCOLS = TEXT_COLUMNS.length;
/** The cell index of each text column (for hot loops that pass numbers to `RowBatch.text`). */
export const TEXT_COLUMN = Object.fromEntries(TEXT_COLUMNS.map((c, i) => [c, i])) as Readonly<Record<TextColumn, number>>;
const COLUMN = TEXT_COLUMN;
/** `present` bit: the fields object is the `raw` text itself (a one-line JSON object). */
export const FIELDS_IN_RAW = 1 << 12;
/** `ts` value of a record without a timestamp. */
export const NO_TIMESTAMP = -(2n ** 63n);

const LEVELS: readonly LevelName[] = ['NONE', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
/** Canonical level name of an OpenTelemetry severity number. */
export function levelName(severity: number): LevelName {
  return LEVELS[severity === 0 ? 0 : Math.min(6, ((severity - 1) >> 2) + 1)] ?? 'FATAL';
}

export interface RowBatchOptions {
  /** Rows per batch (1..100000, default 10000): one native call each. */
  batchSize?: number;
  /** Fill the `fields` column (default false). */
  fields?: boolean;
  /** Start after this entry id (a cursor: the `last` of an earlier batch). */
  after?: number;
  /**
   * Reuse the arrays of `recycle` batches in turn instead of allocating new ones per batch
   * (flat memory for bulk readers: the GC never has to catch up with dead batches). A batch
   * then stays valid only until `recycle` more batches have been fetched, so set it to the
   * number of batches held at once plus one. Default 0: every batch is fresh.
   */
  recycle?: number;
  signal?: AbortSignal;
}

/** Text bytes reserved per row of a recycled batch at first (grown when a row needs more). */
const TEXT_PER_ROW = 1024;

/** Fresh arrays for `rows` of up to `limit` rows and `textBytes` of text. */
export function rowBuffers(limit: number, textBytes: number): NativeRowBuffers {
  return {
    ids: new Uint32Array(limit),
    file: new Uint32Array(limit),
    line: new Uint32Array(limit),
    offset: new Float64Array(limit),
    length: new Uint32Array(limit),
    ts: new BigInt64Array(limit),
    severity: new Uint8Array(limit),
    present: new Uint16Array(limit),
    ends: new Uint32Array(limit * TEXT_COLUMNS.length),
    text: Buffer.allocUnsafeSlow(textBytes),
  };
}

/** The text size a recycled batch of `limit` rows starts with. */
export function initialTextBytes(limit: number): number {
  return limit * TEXT_PER_ROW;
}

/**
 * A batch of entries in file order, as columns (the bulk path: exports, `iterate`). Fixed-width
 * values are typed arrays indexed by row; all text sits in one UTF-8 buffer, `bytes`, and is
 * decoded only when asked for (`text(row, column)`), so a row costs nothing it does not use.
 *
 * Text columns (`TEXT_COLUMNS`): `time` (RFC 3339 UTC), `levelText` (the level as written),
 * `message` (decoded), the ids `thread` `request` `trace` `span` `parentSpan` `service`,
 * `component`, `raw` (the whole record) and `fields` (every parsed field as a JSON object,
 * only when requested). For a record that is one JSON object on one line the fields object
 * is the record itself: the `fields` cell is then empty and `fieldsInRaw(row)` is true;
 * `fieldsJson(row)` returns the right text either way.
 */
export class RowBatch {
  /** Rows in the batch. */
  readonly count: number;
  /** Entry ids, ascending. */
  readonly ids: Uint32Array;
  /** Index of each row's file in the investigation (`path(row)` names it). */
  readonly fileIndex: Uint32Array;
  /** 1-based line of each record's first line. */
  readonly line: Uint32Array;
  /** Byte offset of each record in its file. */
  readonly offset: Float64Array;
  /** Byte length of each record. */
  readonly recordLength: Uint32Array;
  /** UTC nanoseconds, exact; `NO_TIMESTAMP` when the record has none (see `timestampNs`). */
  readonly ts: BigInt64Array;
  /** OpenTelemetry severity numbers (0 = none). */
  readonly severity: Uint8Array;
  /** Per row: bit c set when text column c has a value; `FIELDS_IN_RAW`. */
  readonly present: Uint16Array;
  /** End of every cell in `bytes`, row-major (`row * TEXT_COLUMNS.length + column`). */
  readonly ends: Uint32Array;
  /** All text of the batch, UTF-8. */
  readonly bytes: Buffer;
  /** True when no entries of the scope follow this batch. */
  readonly done: boolean;
  readonly #firstFile: number;
  readonly #files: string[];

  /** @internal */
  constructor(n: NativeRowBatch) {
    this.count = n.count;
    this.ids = n.ids;
    this.fileIndex = n.file;
    this.line = n.line;
    this.offset = n.offset;
    this.recordLength = n.length;
    this.ts = n.ts;
    this.severity = n.severity;
    this.present = n.present;
    this.ends = n.ends;
    this.bytes = n.text;
    this.done = n.done;
    this.#firstFile = n.firstFile;
    this.#files = n.files;
  }

  /** The cursor for the next batch: the last row's entry id (undefined when empty). */
  get last(): number | undefined {
    return this.count > 0 ? this.ids[this.count - 1] : undefined;
  }

  /** The path of a row's file. */
  path(row: number): string {
    return this.#files[(this.fileIndex[row] as number) - this.#firstFile] as string;
  }

  /** The text of a cell, `undefined` when the row has no value there. */
  text(row: number, column: TextColumn | number): string | undefined {
    const c = typeof column === 'number' ? column : COLUMN[column];
    if (((this.present[row] as number) & (1 << c)) === 0) return undefined;
    const k = row * NCOLS + c;
    return utf8(this.bytes, k === 0 ? 0 : (this.ends[k - 1] as number), this.ends[k] as number);
  }

  /** True when the row's fields object is its `raw` text (see the class doc). */
  fieldsInRaw(row: number): boolean {
    return ((this.present[row] as number) & FIELDS_IN_RAW) !== 0;
  }

  /** The row's fields as JSON text (when fields were requested). */
  fieldsJson(row: number): string | undefined {
    return this.fieldsInRaw(row) ? this.text(row, COLUMN.raw) : this.text(row, COLUMN.fields);
  }

  /** Exact UTC nanoseconds of a row, `undefined` when it has no timestamp. */
  timestampNs(row: number): bigint | undefined {
    const t = this.ts[row] as bigint;
    return t === NO_TIMESTAMP ? undefined : t;
  }

  /** The row as an `Entry` (what `entries()` and `iterate()` return). */
  entry(row: number): Entry {
    const severity = this.severity[row] as number;
    const e: Entry = {
      id: this.ids[row] as number,
      file: this.path(row),
      line: this.line[row] as number,
      offset: this.offset[row] as number,
      length: this.recordLength[row] as number,
      severity,
      level: levelName(severity),
      message: this.text(row, COLUMN.message) ?? '',
      raw: this.text(row, COLUMN.raw) ?? '',
    };
    const ts = this.timestampNs(row);
    if (ts !== undefined) e.timestampNs = Number(ts);
    const present = this.present[row] as number;
    if (present !== 0) {
      for (const [key, c] of OPTIONAL) {
        if ((present & (1 << c)) !== 0) e[key] = this.text(row, c);
      }
      const fields = this.fieldsJson(row);
      if (fields !== undefined) e.fields = JSON.parse(fields) as Record<string, unknown>;
    }
    return e;
  }
}

/**
 * Decodes a slice of a buffer: Node's own `utf8Slice` when present (what `toString('utf8', …)`
 * calls after checking its arguments, which the hot loop of an export does not need).
 */
const utf8: (b: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { utf8Slice?: unknown }).utf8Slice === 'function'
    ? (b, start, end) => (b as Buffer & { utf8Slice(s: number, e: number): string }).utf8Slice(start, end)
    : (b, start, end) => b.toString('utf8', start, end);

type OptionalText = 'time' | 'levelText' | 'thread' | 'request' | 'trace' | 'span' | 'parentSpan' | 'service' | 'component';
const OPTIONAL: readonly [OptionalText, number][] = (
  ['time', 'levelText', 'thread', 'request', 'trace', 'span', 'parentSpan', 'service', 'component'] as const
).map((c) => [c, COLUMN[c]]);

/** Arguments of the native `rows` op. */
export function rowsArgs(query: Query, limit: number, fields: boolean, after: number | undefined): string {
  return JSON.stringify({ ...query, limit, fields, ...(after === undefined ? {} : { afterId: after }) });
}
