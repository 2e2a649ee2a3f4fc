import { CancelledError, LogsiftError } from './errors.js';
import type { NativeInvestigation } from './native.js';
import { callNativeSync, runNative, type TaskControl } from './run-native.js';
import type { Query } from './query.js';
import type { Detection, FileSchema, SchemaOptions } from './schema.js';
import type { CountResult, IterateOptions, SearchOptions, SearchResult } from './search.js';
import type { TemplatesOptions, TemplatesResult } from './templates.js';
import type { Entry, SkippedFile, Stats } from './types.js';

/** An open set of log sources, indexed. Every question about them is a method here. */
export class Investigation {
  readonly sources: readonly string[];
  #native: NativeInvestigation | undefined;

  /** @internal Use `open()`. */
  constructor(nativeInvestigation: NativeInvestigation, sources: readonly string[]) {
    this.#native = nativeInvestigation;
    this.sources = sources;
  }

  /** @internal Runs a named engine operation off the main thread. */
  async call<T>(op: string, args: object = {}, control: TaskControl = {}): Promise<T> {
    const handle = this.#handle();
    const json = await runNative((token) => handle.call(op, JSON.stringify(args), token), control);
    return JSON.parse(json) as T;
  }

  /** @internal Runs a small named engine operation synchronously. */
  callSync<T>(op: string, args: object = {}): T {
    const handle = this.#handle();
    return JSON.parse(callNativeSync(() => handle.callSync(op, JSON.stringify(args)))) as T;
  }

  /** Files, lines, entries, formats, time range and level counts. */
  stats(control: TaskControl = {}): Promise<Stats> {
    return this.call<Stats>('stats', {}, control);
  }

  /** Per file: format, time range, ids present, and the fields seen in a sample of records. */
  schema(options: SchemaOptions = {}, control: TaskControl = {}): Promise<FileSchema[]> {
    return this.call<FileSchema[]>('schema', options, control);
  }

  /** Per file: the detected format and the confidence of the detection. */
  async detect(control: TaskControl = {}): Promise<Detection[]> {
    const stats = await this.stats(control);
    return stats.files.map((f) => ({ path: f.path, format: f.format, confidence: f.formatConfidence, entries: f.entries }));
  }

  /** Files found in directory walks but left out (binary data), with the reason. */
  skipped(): SkippedFile[] {
    return this.callSync<SkippedFile[]>('skipped');
  }

  /** Materializes entries by number (as returned by search and the other operations). */
  entries(ids: readonly number[], options: { fields?: boolean } = {}): Promise<Entry[]> {
    return this.call<Entry[]>('entries', { ids, fields: options.fields ?? false });
  }

  /** Searches: exact `totalMatches`, one page of hits, optional aggregations. */
  search(options: SearchOptions = {}, control: TaskControl = {}): Promise<SearchResult> {
    return this.call<SearchResult>('search', options, control);
  }

  /** Counts matches (with optional aggregations) without materializing any entry. */
  count(query: Query & Pick<SearchOptions, 'aggregate' | 'bucket'> = {}, control: TaskControl = {}): Promise<CountResult> {
    return this.call<CountResult>('count', query, control);
  }

  /**
   * Every matching entry in file order, fetched in batches: memory stays flat whatever the
   * number of matches.
   */
  async *iterate(query: Query = {}, options: IterateOptions = {}): AsyncGenerator<Entry, void, undefined> {
    const limit = options.batchSize ?? 5000;
    let after: number | undefined;
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const page = await this.call<{ entries: Entry[]; done: boolean; last: number | null }>(
        'page',
        { ...query, limit, fields: options.fields ?? false, ...(after === undefined ? {} : { after }) },
        { signal: options.signal },
      );
      yield* page.entries;
      if (page.done || page.last === null) return;
      after = page.last;
    }
  }

  /**
   * Log templates (Drain-class mining over every entry): counts, first/last seen, an example
   * and parameter positions; `errorsOnly` keeps templates with errors.
   */
  templates(options: TemplatesOptions = {}, control: TaskControl = {}): Promise<TemplatesResult> {
    return this.call<TemplatesResult>('templates', options, control);
  }

  /** The template id of each entry, in order (the ids `templates()` reports). */
  templateOf(ids: readonly number[], control: TaskControl = {}): Promise<number[]> {
    return this.call<number[]>('templateOf', { ids }, control);
  }

  /** Releases the index. Further calls throw a `CLOSED` error. */
  close(): void {
    this.#native = undefined;
  }

  #handle(): NativeInvestigation {
    if (!this.#native) throw new LogsiftError('CLOSED', 'this investigation was closed');
    return this.#native;
  }
}
