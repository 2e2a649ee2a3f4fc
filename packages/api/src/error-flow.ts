import type { HierarchyNode } from './hierarchy.js';
import type { KindMatch } from './ids.js';
import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';

/** With `rules`, `id` may be a virtual id of theirs (tree mode). */
export interface ErrorFlowOptions extends ScopeOptions, RulesOptions {
  /** A request / trace / span / thread id: tree mode. Without it: the scope's errors by service. */
  id?: string;
  kind?: 'request' | 'trace' | 'span' | 'thread' | VirtualKind;
  maxDepth?: number;
  minConfidence?: number;
  /** Scope mode: service name per file path or basename, for records without a service id. */
  services?: Record<string, string>;
  /** Scope mode: bucket size in ms (auto by default). */
  bucketMs?: number;
}

export interface ChainLink {
  node: number;
  name: string;
  kind: string;
  errored: boolean;
  firstErrorNs: number | null;
}

export interface RootCause {
  node: HierarchyNode;
  firstErrorNs: number | null;
  firstErrorEntry: number | null;
  firstErrorMessage: string | null;
  /** From the root cause up to the root. */
  chain: ChainLink[];
}

export interface ErrorImpact {
  nodes: number;
  errorNodes: number;
  share: number;
  errorRecords: number;
  maxErrorDepth: number | null;
  /** Error nodes overlapping in time with an unrelated (not ancestor/descendant) error node. */
  concurrentFailures: number;
  maxConcurrent: number;
}

export interface TreeErrorFlow {
  mode: 'tree';
  id: string;
  kind: string;
  matchedKinds: KindMatch[];
  rootCauses: RootCause[];
  impact: ErrorImpact;
}

export interface ServiceErrors {
  service: string;
  errors: number;
  firstErrorNs: number | null;
  firstError: string | null;
  firstErrorEntry: number;
  firstErrorMessage: string;
  lastErrorNs: number | null;
  /** `[bucket start ns, count]`, non-empty buckets only. */
  buckets: [number, number][];
}

/** An error template that starts partway through the scope (absent from its first tenth). */
export interface Emerging {
  templateId: number;
  pattern: string | null;
  service: string;
  count: number;
  firstNs: number;
  first: string;
  firstEntry: number;
}

export interface ScopeErrorFlow {
  mode: 'scope';
  errors: number;
  bucketMs: number | null;
  /** Ordered by first error time. */
  services: ServiceErrors[];
  /** Emerging error templates, earliest first: the origin is the first one's service. */
  emerging: Emerging[];
  suggestedOrigin: string | null;
  reason: string | null;
}

export type ErrorFlowResult = TreeErrorFlow | ScopeErrorFlow;
