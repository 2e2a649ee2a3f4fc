import type { IdKind, KindMatch } from './ids.js';
import type { LevelName } from './types.js';
import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';

export interface TimelineOptions extends ScopeOptions, RulesOptions {
  /** A request / trace (or any followable, or a virtual id of `rules`) id; without it, the whole scope. */
  id?: string;
  kind?: IdKind | VirtualKind;
  /** Gaps longer than this are reported (default 1000 ms). */
  gapMs?: number;
  /** Service name per file path or basename, for records without a service id. */
  services?: Record<string, string>;
  /** Page of items (default offset 0, limit 1000). */
  offset?: number;
  limit?: number;
}

export interface TimelineItem {
  entry: number;
  tsNs: number | null;
  /** Milliseconds since the first record. */
  relMs: number | null;
  service: string;
  level: LevelName;
  message: string;
}

export interface TimelineGap {
  afterEntry: number;
  beforeEntry: number;
  startNs: number;
  endNs: number;
  relMs: number;
  ms: number;
  fromService: string;
  toService: string;
}

export interface ServiceBreakdown {
  service: string;
  /** Where the name came from: the service field, the `services` mapping, or the file name. */
  source: 'field' | 'mapping' | 'file';
  count: number;
  errors: number;
  firstNs: number | null;
  lastNs: number | null;
  firstRelMs: number | null;
  lastRelMs: number | null;
}

export interface TimelineResult {
  id: string | null;
  kind: IdKind | VirtualKind | null;
  matchedKinds: KindMatch[];
  total: number;
  startNs: number | null;
  endNs: number | null;
  durationMs: number | null;
  gapMs: number;
  gaps: TimelineGap[];
  services: ServiceBreakdown[];
  offset: number;
  limit: number;
  items: TimelineItem[];
}
