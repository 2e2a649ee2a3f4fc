import type { KindMatch } from './ids.js';
import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';

export interface HierarchyOptions extends ScopeOptions, RulesOptions {
  /** `virtual`: a virtual id of `rules` (its spans and threads under it, like a request). */
  kind?: 'request' | 'trace' | 'span' | 'thread' | VirtualKind;
  /** Deepest level kept (root = 0). */
  maxDepth?: number;
  /** Inferred edges (naming 0.9, temporal 0.5–0.7) below this are not made. */
  minConfidence?: number;
}

/** How an edge to a parent was inferred. */
export type EdgeMethod = 'explicit' | 'naming' | 'temporal' | 'group';

export interface HierarchyNode {
  index: number;
  name: string;
  kind: 'span' | 'thread' | 'request' | 'trace' | VirtualKind;
  service: string | null;
  parent: number | null;
  method: EdgeMethod | null;
  confidence: number | null;
  depth: number;
  entryCount: number;
  errorCount: number;
  firstNs: number | null;
  lastNs: number | null;
  durationMs: number | null;
  /** `record` (a duration a record states) or `timestamps` (last − first). */
  durationSource: 'record' | 'timestamps' | null;
  childIds: number[];
}

/** The tree's shape; each node's details are `nodes[index]`. */
export interface HierarchyTree {
  index: number;
  name: string;
  children: HierarchyTree[];
}

export interface HierarchyResult {
  id: string;
  kind: string;
  matchedKinds: KindMatch[];
  nodeCount: number;
  truncatedNodes: number;
  maxDepth: number;
  edges: Record<EdgeMethod, number>;
  tree: HierarchyTree;
  /** The same nodes, flat, breadth-first (index 0 is the root). */
  nodes: HierarchyNode[];
}
