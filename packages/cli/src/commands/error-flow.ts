import type { ChainLink, ErrorFlowResult, RootCause, ScopeErrorFlow, TreeErrorFlow } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { CliError } from '../envelope.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import { clip, clockTime, colors, formatCount, formatMs, percent, sparkline } from '../render.js';
import { toScope } from '../query.js';
import type { CommandDef, RenderContext } from '../spec.js';

interface ChainNode {
  link: ChainLink;
  cause?: RootCause;
  children: ChainNode[];
}

/** The root causes' chains (each from the cause up to the root) merged into one tree from the root down. */
function chainTree(causes: RootCause[]): ChainNode[] {
  const roots: ChainNode[] = [];
  for (const cause of causes) {
    let level = roots;
    const down = [...cause.chain].reverse();
    down.forEach((link, i) => {
      let node = level.find((n) => n.link.node === link.node);
      if (!node) {
        node = { link, children: [] };
        level.push(node);
      }
      if (i === down.length - 1) node.cause = cause;
      level = node.children;
    });
  }
  return roots;
}

function drawChain(nodes: ChainNode[], ctx: RenderContext, startNs: number | null, prefix = '', root = true): string[] {
  const c = colors(ctx);
  return nodes.flatMap((n, i) => {
    const last = i === nodes.length - 1;
    // The root (one per tree) has no branch; every other node hangs from its parent.
    const branch = root ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
    const rest = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
    const l = n.link;
    const when = l.firstErrorNs != null && startNs != null ? c.dim(` first error +${formatMs((l.firstErrorNs - startNs) / 1e6)}`) : '';
    const name = `${l.errored ? c.red(`✖ ${l.name}`) : l.name} ${c.dim(`(${l.kind})`)}`;
    const lines = [`${branch}${name}${n.cause?.node.service ? ` ${c.cyan(n.cause.node.service)}` : ''}${when}${n.cause ? c.bold(c.red('  ← root cause')) : ''}`];
    if (n.cause?.firstErrorMessage) {
      const at = n.cause.firstErrorNs != null ? clockTime(n.cause.firstErrorNs) : '';
      lines.push(`${rest}${n.children.length ? '│  ' : '   '}${c.dim('“')}${clip(n.cause.firstErrorMessage, Math.max(30, ctx.width - rest.length - 40))}${c.dim(`” entry ${n.cause.firstErrorEntry ?? '?'}${at ? ` at ${at}` : ''}`)}`);
    }
    return [...lines, ...drawChain(n.children, ctx, startNs, rest, false)];
  });
}

function renderTree(r: TreeErrorFlow, ctx: RenderContext): string {
  const c = colors(ctx);
  const i = r.impact;
  const head = `${c.bold(`${r.kind} ${r.id}`)}${c.dim(' · ')}${i.errorNodes} of ${i.nodes} nodes errored (${percent(i.share, 0)})${c.dim(' · ')}${formatCount(i.errorRecords)} error records${i.concurrentFailures > 0 ? `${c.dim(' · ')}${i.concurrentFailures} concurrent failures` : ''}`;
  if (r.rootCauses.length === 0) return `${head}\n\n${c.green('no errors in this tree')}`;
  const starts = r.rootCauses.flatMap((rc) => rc.chain.map((l) => l.firstErrorNs).filter((t): t is number => t != null));
  const startNs = starts.length ? Math.min(...starts) : null;
  return [head, '', ...drawChain(chainTree(r.rootCauses), ctx, startNs)].join('\n');
}

/** Scope mode: the services in the order their errors began, each with its errors over time; then the new errors. */
function renderScope(r: ScopeErrorFlow, ctx: RenderContext): string {
  const c = colors(ctx);
  const head = `${c.bold(`${formatCount(r.errors)} errors`)} across ${r.services.length} service${r.services.length === 1 ? '' : 's'}${r.bucketMs ? c.dim(` · buckets of ${formatMs(r.bucketMs)}`) : ''}`;
  const out = [head];
  if (r.suggestedOrigin) out.push(`${c.dim('origin')}  ${c.bold(c.red(r.suggestedOrigin))}${r.reason ? c.dim(` (${r.reason})`) : ''}`);
  if (r.services.length === 0) return out.join('\n');
  // One grid for every service, so the sparklines line up in time.
  const grid = r.bucketMs ? r.bucketMs * 1e6 : 0;
  const starts = r.services.flatMap((s) => s.buckets.map(([t]) => t));
  const first = Math.min(...starts);
  const slots = grid > 0 ? Math.min(60, Math.floor((Math.max(...starts) - first) / grid) + 1) : 1;
  const nameWidth = Math.max(...r.services.map((s) => s.service.length));
  const countWidth = Math.max(...r.services.map((s) => formatCount(s.errors).length));
  out.push('', c.bold('errors by service, in the order they began'));
  r.services.forEach((s, i) => {
    const last = i === r.services.length - 1;
    const series = new Array<number>(slots).fill(0);
    for (const [t, n] of s.buckets) {
      const k = Math.min(slots - 1, grid > 0 ? Math.floor((t - first) / grid) : 0);
      series[k] = (series[k] ?? 0) + n;
    }
    const name = s.service === r.suggestedOrigin ? c.bold(c.red(s.service.padEnd(nameWidth))) : c.cyan(s.service.padEnd(nameWidth));
    const spark = slots > 1 ? `  ${c.red(sparkline(series))}` : '';
    out.push(`${last ? '└─' : '├─'} ${name}  ${c.red(formatCount(s.errors).padStart(countWidth))}  ${c.dim(`from ${clockTime(s.firstErrorNs)}`)}${spark}`);
    out.push(`${last ? '   ' : '│  '} ${c.dim('first:')} ${clip(s.firstErrorMessage, Math.max(30, ctx.width - 12))}`);
  });
  if (r.emerging.length > 0) {
    out.push('', c.bold('new errors (absent at the start), earliest first'));
    const serviceWidth = Math.max(...r.emerging.map((e) => e.service.length));
    const timesWidth = Math.max(...r.emerging.map((e) => formatCount(e.count).length + 1));
    r.emerging.forEach((e, i) => {
      const last = i === r.emerging.length - 1;
      const times = `${formatCount(e.count)}×`.padStart(timesWidth);
      out.push(`${last ? '└─' : '├─'} ${c.dim(clockTime(e.firstNs))}  ${c.cyan(e.service.padEnd(serviceWidth))}  ${c.red(times)}  ${clip(e.pattern ?? '', Math.max(30, ctx.width - 35 - serviceWidth - timesWidth))}`);
    });
  }
  return out.join('\n');
}

function renderErrorFlow(r: ErrorFlowResult, ctx: RenderContext): string {
  return r.mode === 'tree' ? renderTree(r, ctx) : renderScope(r, ctx);
}

/** How errors came about: along one id's tree, or across services for the whole input. */
export const errorFlowCommand: CommandDef = {
  name: 'error-flow',
  summary: "How errors came about: the chain to the first error in one id's tree, or errors by service over time.",
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'id', type: 'string', group: 'command', valueName: 'value', description: "an id: its tree's error chain (default: by service)" },
    { name: 'kind', type: 'string', group: 'command', choices: ['request', 'trace', 'span', 'thread'], description: 'id kind (default: detected)' },
    RULES_FLAG,
    { name: 'depth', type: 'integer', group: 'command', min: 0, valueName: 'n', description: 'deepest tree level kept' },
    { name: 'bucket-ms', type: 'integer', group: 'command', min: 1, valueName: 'ms', description: 'bucket without --id (default: auto)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift error-flow logs/', what: 'errors by service over time' },
    { cmd: 'logsift error-flow logs/ --id 7f3a9c', what: 'the chain that led to the first error of one request' },
  ],
  use: 'Use to find where errors started: across services, or the chain in one id\'s tree.',
  uses: ['open', 'Investigation.errorFlow'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    if (typeof o['rules'] === 'string' && typeof o['id'] !== 'string') throw new CliError('USAGE', '--rules goes with --id (the rules name the ids of one tree)', 'add --id, or drop --rules');
    const result = await inv.errorFlow(
      {
        ...(typeof o['id'] === 'string' ? { id: o['id'] } : {}),
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as 'request' | 'trace' | 'span' | 'thread' } : {}),
        ...(typeof o['depth'] === 'number' ? { maxDepth: o['depth'] } : {}),
        ...(typeof o['id'] === 'string' ? await rulesOption(o) : {}),
        ...(typeof o['bucketMs'] === 'number' ? { bucketMs: o['bucketMs'] } : {}),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const errors = (result as unknown as { errors?: number }).errors;
    return { data: result, ...(typeof errors === 'number' ? { summary: { errors } } : {}), found: typeof errors === 'number' ? errors > 0 : true };
  },
  text: (data, ctx) => renderErrorFlow(data as ErrorFlowResult, ctx),
};
