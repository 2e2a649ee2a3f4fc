export { open, type OpenOptions } from './open.js';
export { clearIndexCache, type FileIdentity } from './index-cache.js';
export { Investigation } from './investigation.js';
export {
  generate,
  generateToFile,
  type GenerateOptions,
  type GenerateSummary,
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
export type { Template, TemplatesOptions, TemplatesResult } from './templates.js';
