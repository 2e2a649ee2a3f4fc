import { CancelledError, LogsiftError, UsageError } from './errors.js';
import type { NativeInvestigation, NativeRowBuffers } from './native.js';
import { callNativeSync, runNative, type TaskControl } from './run-native.js';
import { initialTextBytes, RowBatch, rowBuffers, rowsArgs, type RowBatchOptions } from './row-batch.js';
import type { CompareOptions, CompareResult, DiffOptions, DiffResult } from './compare.js';
import type { Query } from './query.js';
import type { Detection, FileSchema, SchemaOptions } from './schema.js';
import type { CountResult, IterateOptions, SearchHit, SearchOptions, SearchResult } from './search.js';
import type { TemplatesOptions, TemplatesResult } from './templates.js';
import type { Entry, SkippedFile, Stats } from './types.js';
import type { BottlenecksOptions, BottlenecksResult } from './bottlenecks.js';
import type { ContextOptions, ContextResult } from './context.js';
import type { ErrorFlowOptions, ErrorFlowResult } from './error-flow.js';
import type { FollowOptions, FollowResult } from './follow.js';
import type { HierarchyOptions, HierarchyResult } from './hierarchy.js';
import type { IdsOptions, IdsResult } from './ids.js';
import type { MetricsOptions, MetricsResult } from './metrics.js';
import type { SampleOptions, SampleResult } from './sample.js';
import type { TimelineOptions, TimelineResult } from './timeline.js';
import { SQLITE_SINK_DEFAULTS, type SqliteSinkOptions, type SqliteSinkProgress } from './sqlite-sink.js';
import type { TriageOptions, TriageResult } from './triage.js';
import { watch, type WatchControl, type WatchOptions } from './watch.js';
import type { CorrelateAnchor, CorrelateOptions, CorrelateResult } from './correlate.js';
import type { ExportTraceOptions, ExportTraceResult } from './trace-export.js';
import type { VerifyPatternOptions, VerifyPatternResult } from './verify-pattern.js';
import type { ParseSampleOptions, ParseSampleResult } from './parse-sample.js';
import type { ParquetExportOptions, ParquetExportResult } from './parquet-export.js';
import { sqlArgs, type SqlOptions, type SqlResult } from './sql.js';

/** An open set of log sources, indexed. Every question about them is a method here. */
export class Investigation {
  readonly sources: readonly string[];
  #native: NativeInvestigation | undefined;
  /** The open options that `watch` reads the files with; undefined for bytes (stdin). */
  #readOptions: Readonly<Record<string, unknown>> | undefined;

  /** @internal Use `open()`. */
  constructor(nativeInvestigation: NativeInvestigation, sources: readonly string[], readOptions?: Readonly<Record<string, unknown>>) {
    this.#native = nativeInvestigation;
    this.sources = sources;
    this.#readOptions = readOptions;
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

  /** Per file: the detected format, its confidence, and the learned layout. */
  async detect(control: TaskControl = {}): Promise<Detection[]> {
    const stats = await this.stats(control);
    return stats.files.map((f) => ({ path: f.path, format: f.format, confidence: f.formatConfidence, entries: f.entries, layout: f.layout }));
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
   * Every matching entry in file order, fetched in column batches (`rowBatches`): memory
   * stays flat whatever the number of matches.
   */
  async *iterate(query: Query = {}, options: IterateOptions = {}): AsyncGenerator<Entry, void, undefined> {
    const batches = this.rowBatches(query, { batchSize: options.batchSize ?? 5000, fields: options.fields ?? false, recycle: 1, signal: options.signal });
    for await (const batch of batches) {
      for (let r = 0; r < batch.count; r++) yield batch.entry(r);
    }
  }

  /**
   * Every matching entry in file order as column batches (`RowBatch`): typed arrays and one
   * UTF-8 buffer per batch instead of an object per row. The bulk path for exports; `after`
   * resumes after an entry id. One native call per batch, off the main thread.
   */
  async *rowBatches(query: Query = {}, options: RowBatchOptions = {}): AsyncGenerator<RowBatch, void, undefined> {
    const limit = options.batchSize ?? 10_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
      throw new UsageError('INVALID_OPTION', `batchSize must be an integer in 1..100000, got ${limit}`, 'batchSize');
    }
    const recycle = options.recycle ?? 0;
    if (!Number.isInteger(recycle) || recycle < 0) {
      throw new UsageError('INVALID_OPTION', `recycle must be a non-negative integer, got ${recycle}`, 'recycle');
    }
    const fields = options.fields ?? false;
    let after = options.after;
    const handle = this.#handle();
    const ring: NativeRowBuffers[] = [];
    let textBytes = initialTextBytes(limit);
    for (let slot = 0; ; slot = (slot + 1) % Math.max(1, recycle)) {
      if (options.signal?.aborted) throw new CancelledError();
      const args = rowsArgs(query, limit, fields, after);
      let into: NativeRowBuffers | undefined;
      if (recycle > 0) into = ring[slot] ??= rowBuffers(limit, textBytes);
      let n = await runNative((token) => handle.rows(args, token, into), { signal: options.signal });
      while (into && n.count === 0 && !n.done && n.needText > 0) {
        // One record is larger than the text buffer: grow it and fetch again.
        textBytes = Math.max(textBytes * 2, n.needText);
        into.text = Buffer.allocUnsafeSlow(textBytes);
        const grown = into;
        n = await runNative((token) => handle.rows(args, token, grown), { signal: options.signal });
      }
      const batch = new RowBatch(n);
      if (batch.count > 0) yield batch;
      const last = batch.last;
      if (batch.done || last === undefined) return;
      after = last;
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

  /** Every thread / request / trace / span / service id with count and first / last seen. */
  ids(options: IdsOptions = {}, control: TaskControl = {}): Promise<IdsResult> {
    return this.call<IdsResult>('ids', options, control);
  }

  /** All records of one id in time order, with duration, services, outcome and first error. */
  follow(id: string, options: FollowOptions = {}, control: TaskControl = {}): Promise<FollowResult> {
    return this.call<FollowResult>('follow', { ...options, id }, control);
  }

  /** The record holding `file:line`, with records (not lines) before and after. */
  context(file: string, line: number, options: ContextOptions = {}, control: TaskControl = {}): Promise<ContextResult> {
    return this.call<ContextResult>('context', { ...options, file, line }, control);
  }

  /** The tree of spans / threads under a request, trace, span or thread, each edge explained. */
  hierarchy(id: string, options: HierarchyOptions = {}, control: TaskControl = {}): Promise<HierarchyResult> {
    return this.call<HierarchyResult>('hierarchy', { ...options, id }, control);
  }

  /** The slowest nodes of a hierarchy, over a threshold or share of the total, with their path. */
  bottlenecks(id: string, options: BottlenecksOptions = {}, control: TaskControl = {}): Promise<BottlenecksResult> {
    return this.call<BottlenecksResult>('bottlenecks', { ...options, id }, control);
  }

  /** Where errors started and how they spread: over an id's tree, or by service over the scope. */
  errorFlow(options: ErrorFlowOptions = {}, control: TaskControl = {}): Promise<ErrorFlowResult> {
    return this.call<ErrorFlowResult>('errorFlow', options, control);
  }

  /** A cross-service timeline of an id (or of the scope) with gaps and a per-service breakdown. */
  timeline(options: TimelineOptions = {}, control: TaskControl = {}): Promise<TimelineResult> {
    return this.call<TimelineResult>('timeline', options, control);
  }

  /** A small explained sample of the scope, with coverage. */
  sample(options: SampleOptions, control: TaskControl = {}): Promise<SampleResult> {
    return this.call<SampleResult>('sample', options, control);
  }

  /** Statistics of numeric fields and durations, per time bucket, with anomalies. */
  metrics(options: MetricsOptions = {}, control: TaskControl = {}): Promise<MetricsResult> {
    return this.call<MetricsResult>('metrics', options, control);
  }

  /** A one-call overview: volume, error trend, top errors, affected services, next commands. */
  triage(options: TriageOptions = {}, control: TaskControl = {}): Promise<TriageResult> {
    return this.call<TriageResult>('triage', options, control);
  }

  /** The spans of one trace / request (its `hierarchy`) as OTLP/JSON, Jaeger JSON or Zipkin v2 JSON. */
  exportTrace(id: string, options: ExportTraceOptions, control: TaskControl = {}): Promise<ExportTraceResult> {
    return this.call<ExportTraceResult>('exportTrace', { ...options, id }, control);
  }

  /**
   * What happened around an anchor (entry, `FILE:LINE`, time or a trigger query's first match),
   * across every file and service: templates ranked by how unusual they are in the window
   * against the baseline before it (Poisson surprise).
   */
  correlateEvents(anchor: CorrelateAnchor, options: CorrelateOptions = {}, control: TaskControl = {}): Promise<CorrelateResult> {
    return this.call<CorrelateResult>('correlateEvents', { ...options, ...anchor }, control);
  }

  /**
   * Tests a regex with named groups over the scope: matches, each group's values (top N), first
   * and last match, a histogram. An invalid pattern is INVALID_REGEX; one whose automaton is
   * over the size limit is REGEX_TOO_LARGE.
   */
  verifyPattern(pattern: string, options: VerifyPatternOptions = {}, control: TaskControl = {}): Promise<VerifyPatternResult> {
    return this.call<VerifyPatternResult>('verifyPattern', { ...options, pattern }, control);
  }

  /** How the first lines of a file parse with its format, line by line: matched or not, and each column and field (`logsift format test`). */
  parseSample(options: ParseSampleOptions = {}, control: TaskControl = {}): Promise<ParseSampleResult> {
    return this.call<ParseSampleResult>('parseSample', options, control);
  }

  /**
   * One read-only SQL query over the entries, read straight from the index (no export): the
   * table `entries` (columns in `SQL_ENTRY_COLUMNS`, the export's names; `id` is the entry id),
   * `field(id, name)` for a parsed field, `percentile(x, p)`. Constraints on id, file,
   * timestamp_ns, severity, level and the id columns narrow the scan. Anything but one
   * SELECT is SQL_NOT_READ_ONLY; bad SQL is INVALID_QUERY; cancellable.
   */
  sql(sql: string, options: SqlOptions = {}, control: TaskControl = {}): Promise<SqlResult> {
    return this.call<SqlResult>('sql', sqlArgs(sql, options), control);
  }

  /** Two requests / threads / traces side by side: durations, outcomes, where they diverge. */
  compare(a: string, b: string, options: CompareOptions = {}, control: TaskControl = {}): Promise<CompareResult> {
    return this.call<CompareResult>('compare', { ...options, a, b }, control);
  }

  /** Two periods (or scopes): volume, error rate, templates that appeared, vanished or changed. */
  diff(options: DiffOptions, control: TaskControl = {}): Promise<DiffResult> {
    return this.call<DiffResult>('diff', options, control);
  }

  /**
   * Writes the entries of a query scope (`options.query`; all when absent) as Parquet files
   * into `outDir` (created if missing; it must hold no `.parquet` file): the OpenTelemetry log
   * model with the column names of the OTel Collector's ClickHouse exporter (`otel_logs`), plus
   * `File`, `Line`, `ThreadId`, `RequestId`, `ParentSpanId`. zstd, row groups sorted by time,
   * each file written under a temporary name and renamed when complete. Progress counts rows;
   * an abort stops at the next row group and removes the unfinished file. Files read back with
   * `open({ parquet: outDir })`.
   */
  exportToParquet(outDir: string, options: ParquetExportOptions = {}, control: TaskControl = {}): Promise<ParquetExportResult> {
    const { query = {}, ...rest } = options;
    return this.call<ParquetExportResult>('exportParquet', { ...query, ...rest, outDir }, control);
  }

  /**
   * Writes the entries of a query scope into a SQLite database, in batches of one
   * transaction each (with the caller's marker statement), natively and off the main thread:
   * a reader fetches the next batch while the writer commits the current one. Used by
   * `@logsift/sqlite-export`; see `SqliteSinkOptions` for the statement contract.
   */
  async writeSqliteRows(options: SqliteSinkOptions): Promise<SqliteSinkProgress> {
    const { query = {}, onBatch, signal, ...rest } = options;
    const args = JSON.stringify({ ...SQLITE_SINK_DEFAULTS, ...query, ...rest });
    const handle = this.#handle();
    // An exception must not escape into the native callback (it would end the process):
    // it is kept, the export is cancelled, and the error is rethrown here.
    let failure: { error: unknown } | undefined;
    const done = await runNative(
      (token) =>
        handle.sqliteSink(args, token, (json) => {
          if (failure || !onBatch) return;
          try {
            onBatch(JSON.parse(json) as SqliteSinkProgress);
          } catch (error) {
            failure = { error };
            token.cancel();
          }
        }),
      { signal },
    ).catch((error: unknown) => {
      throw failure ? failure.error : error;
    });
    if (failure) throw failure.error;
    return JSON.parse(done) as SqliteSinkProgress;
  }

  /**
   * Follows this investigation's files as they are written (see `watch`): the matching
   * entries from now on (or replayed first with `fromStart` / `last`), read with the same
   * open options. Entries are numbered by the watch, not by this index.
   */
  watch(options: WatchOptions = {}, control: WatchControl = {}): AsyncGenerator<SearchHit, void, undefined> {
    this.#handle();
    if (!this.#readOptions) throw new UsageError('INVALID_OPTION', 'an investigation of bytes (stdin) cannot be watched', 'watch');
    return watch(this.sources, { ...this.#readOptions, ...options }, control);
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
