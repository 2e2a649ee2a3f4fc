export { open, type OpenOptions } from './open.js';
export { clearIndexCache, type FileIdentity } from './index-cache.js';
export { clearDiskCache, diskCacheInfo, type DiskCacheFile, type DiskCacheInfo, type DiskCacheLocation } from './disk-cache.js';
export { Investigation } from './investigation.js';
export { tail, watch, type TailOptions, type TailResult, type WatchControl, type WatchOptions } from './watch.js';
export { RowBatch, TEXT_COLUMNS, TEXT_COLUMN, FIELDS_IN_RAW, NO_TIMESTAMP, levelName, type RowBatchOptions, type TextColumn } from './row-batch.js';
export {
  generate,
  generateToFile,
  type GenerateOptions,
  type GenerateSummary,
  type GeneratedBatch,
  type GeneratedIncident,
} from './generate.js';
export {
  LogsiftError,
  InputError,
  UsageError,
  CancelledError,
  type LogsiftErrorCode,
} from './errors.js';
export type { Progress, TaskControl } from './run-native.js';
export type { Entry, FileStats, LevelName, SkippedFile, Stats, TimeRange } from './types.js';
export type { OneOrMany, Query } from './query.js';
export type {
  AggregationKind,
  Aggregations,
  CountResult,
  IterateOptions,
  SearchHit,
  SearchOptions,
  SearchOrder,
  SearchResult,
} from './search.js';
export type { Detection, FieldInfo, FileSchema, IdInfo, SchemaOptions } from './schema.js';
export type { HeaderField, LayoutInfo } from './layout.js';
export type { Template, TemplatesOptions, TemplatesResult } from './templates.js';
export type { ScopeOptions } from './scope.js';
export { SQLITE_SINK_DEFAULTS, type SqliteSinkOptions, type SqliteSinkProgress } from './sqlite-sink.js';
export type { IdKind, IdListItem, IdKindList, IdsOptions, IdsResult, KindMatch } from './ids.js';
export type { FollowOptions, FollowResult } from './follow.js';
export type { CorrelationRule, RulesOptions, VirtualKind } from './correlation-rules.js';
export type { ContextOptions, ContextResult } from './context.js';
export type { EdgeMethod, HierarchyNode, HierarchyOptions, HierarchyResult, HierarchyTree } from './hierarchy.js';
export type { Bottleneck, BottlenecksOptions, BottlenecksResult } from './bottlenecks.js';
export type {
  ChainLink,
  Emerging,
  ErrorFlowOptions,
  ErrorFlowResult,
  ErrorImpact,
  RootCause,
  ScopeErrorFlow,
  ServiceErrors,
  TreeErrorFlow,
} from './error-flow.js';
export type { ServiceBreakdown, TimelineGap, TimelineItem, TimelineOptions, TimelineResult } from './timeline.js';
export type { Covered, SampleOptions, SampleResult, SampleStrategy } from './sample.js';
export type { FieldMetrics, MetricBucket, MetricsOptions, MetricsResult } from './metrics.js';
export type { Affected, TriageOptions, TriageResult } from './triage.js';
export type {
  CompareOptions,
  CompareResult,
  DiffOptions,
  DiffResult,
  PeriodSide,
  SequenceSide,
  SequenceStep,
  TemplateChange,
} from './compare.js';
export type { CorrelateAnchor, CorrelateOptions, CorrelateResult, CorrelateSpan, CorrelatedEvent, NameCount } from './correlate.js';
export type { ExportTraceOptions, ExportTraceResult, TraceFormat } from './trace-export.js';
export { PARQUET_COLUMNS, type ParquetExportOptions, type ParquetExportResult, type ParquetFile } from './parquet-export.js';
export type { PatternGroup, PatternValue, VerifyPatternOptions, VerifyPatternResult } from './verify-pattern.js';
export type { ParseSampleOptions, ParseSampleResult, ParsedLine } from './parse-sample.js';
export {
  BUILTIN_FORMATS,
  CONFIG_FILE,
  customFormatOption,
  formatConfigFiles,
  readFormatConfig,
  resolveFormat,
  savedFormats,
  type FormatConfigOptions,
  type SavedFormat,
  type SavedFormatSpec,
} from './saved-formats.js';
export { checkConfigRules, configRules, readRulesConfig, type ConfigRules } from './config-rules.js';
export { validateFormatConfig, type FormatConfigProblem, type FormatConfigReport } from './validate-formats.js';
export {
  InvestigationSession,
  sessionMarkdown,
  sessions,
  sessionsDir,
  SESSION_VERSION,
  type SessionListItem,
  type SessionNote,
  type SessionOptionValue,
  type SessionQuestion,
  type SessionSources,
  type SessionState,
  type SessionsOptions,
} from './sessions.js';
export { SQL_ENTRY_COLUMNS, sqlDatabase, type SqlOptions, type SqlResult } from './sql.js';
