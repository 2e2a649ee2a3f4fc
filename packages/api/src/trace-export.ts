import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';

/** OTLP/JSON (`resourceSpans`), Jaeger's JSON (the UI's upload format) or Zipkin v2 JSON. */
export type TraceFormat = 'otlp' | 'jaeger' | 'zipkin';

/** With `rules`, the id may be a virtual id of theirs (its spans and threads as the trace). */
export interface ExportTraceOptions extends ScopeOptions, RulesOptions {
  format: TraceFormat;
  kind?: 'request' | 'trace' | 'span' | 'thread' | VirtualKind;
  /** Records attached to each span as events / logs / annotations (default 100). */
  maxEvents?: number;
}

export interface ExportTraceResult {
  id: string;
  kind: string;
  format: TraceFormat;
  /** The trace id written: 32 hex digits (the log's own when it is hex, else a stable hash). */
  traceId: string;
  spanCount: number;
  services: string[];
  errorSpans: number;
  /** Records not attached as events (over `maxEvents`). */
  droppedEvents: number;
  /** The document in the chosen format: write it as JSON to load it in the tool. */
  document: unknown;
}
