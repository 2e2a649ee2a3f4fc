import type { HierarchyNode, HierarchyResult, HierarchyTree } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS, TREE_ID_FLAGS, kindOption } from '../flags.js';
import { colors, keyValues } from '../render.js';
import { toScope } from '../query.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** A node's label: name, service, duration, entries, errors (details from `nodes[index]`). */
function label(node: HierarchyTree, nodes: HierarchyNode[], ctx: RenderContext): string {
  const c = colors(ctx);
  const n = nodes[node.index];
  if (!n) return node.name;
  const parts = [n.service ? c.cyan(n.service) : '', n.durationMs != null ? `${Math.round(n.durationMs)} ms` : '', c.dim(`${n.entryCount} entries`), n.errorCount > 0 ? c.red(`${n.errorCount} errors`) : '', n.method && n.method !== 'explicit' ? c.dim(`(${n.method})`) : ''];
  return `${node.name}  ${parts.filter(Boolean).join('  ')}`;
}

function drawTree(node: HierarchyTree, nodes: HierarchyNode[], ctx: RenderContext, prefix = '', last = true, root = true): string[] {
  const line = root ? label(node, nodes, ctx) : `${prefix}${last ? '└─ ' : '├─ '}${label(node, nodes, ctx)}`;
  const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
  return [line, ...node.children.flatMap((ch, i) => drawTree(ch, nodes, ctx, childPrefix, i === node.children.length - 1, false))];
}

/** The span / call tree of one trace, request, span or thread. */
export const hierarchyCommand: CommandDef = {
  name: 'hierarchy',
  summary: 'The span / call tree of one trace, request or thread, with how each edge was inferred.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    ...TREE_ID_FLAGS,
    RULES_FLAG,
    { name: 'depth', type: 'integer', group: 'command', min: 0, valueName: 'n', description: 'deepest level kept (root = 0)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift hierarchy traces.jsonl --id 4bf92f35', what: 'the call tree of one trace' }],
  use: 'Use for the call tree of one trace or request.',
  uses: ['open', 'Investigation.hierarchy'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.hierarchy(
      String(o['id']),
      { ...kindOption(o), ...(typeof o['depth'] === 'number' ? { maxDepth: o['depth'] } : {}), ...(await rulesOption(o)), ...toScope(o) },
      { signal: ctx.signal },
    );
    return { data: result, summary: { id: result.id, kind: result.kind, nodes: result.nodeCount, edges: result.edges }, found: result.nodeCount > 0 };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<HierarchyResult>;
    const edges = Object.entries(r.edges ?? {}).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    return [keyValues([['id', `${r.id ?? '?'} (${r.kind ?? '?'})`], ['nodes', String(r.nodeCount ?? 0)], ['edges', edges || '-']], ctx), '', ...(r.tree ? drawTree(r.tree, r.nodes ?? [], ctx) : [])].join('\n');
  },
};
