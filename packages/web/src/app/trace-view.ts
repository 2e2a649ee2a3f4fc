import { html } from 'htm/preact';
import type { BottlenecksResult, ErrorFlowResult, FollowResult, HierarchyNode, HierarchyResult, HierarchyTree, TreeErrorFlow } from '@logsift/api';
import { formatMs, formatTime } from './format.js';
import { navigate, type ViewState } from './state.js';
import { Failure, useApi } from './use-api.js';

/** Nodes in depth-first order (the tree as read top-down), from the hierarchy's tree. */
function depthFirst(tree: HierarchyTree, out: number[] = []): number[] {
  out.push(tree.index);
  for (const c of tree.children) depthFirst(c, out);
  return out;
}

/**
 * One request / trace / thread as a waterfall: each span or thread a bar on the time axis,
 * nested as the hierarchy found them; error nodes red, the root causes marked, the critical
 * path outlined and the largest self time labelled as the bottleneck.
 */
function Waterfall(props: { h: HierarchyResult; b?: BottlenecksResult; flow?: ErrorFlowResult }) {
  const { h, b, flow } = props;
  const nodes = h.nodes;
  const lo = Math.min(...nodes.map((n) => n.firstNs ?? Infinity));
  const hi = Math.max(...nodes.map((n) => n.lastNs ?? -Infinity));
  const span = Math.max(1, hi - lo);
  const critical = new Set(b?.criticalPath ?? []);
  const bottleneck = b?.nodes.slice().sort((x, y) => y.selfMs - x.selfMs)[0]?.node;
  const causes = new Set(flow && flow.mode === 'tree' ? (flow as TreeErrorFlow).rootCauses.map((r) => r.node.index) : []);
  const bar = (n: HierarchyNode) => {
    if (n.firstNs === null || n.lastNs === null) return null;
    const left = ((n.firstNs - lo) / span) * 100;
    const width = Math.max(0.4, ((n.lastNs - n.firstNs) / span) * 100);
    return html`<div class="bar" style=${{ left: `${left}%`, width: `${width}%` }}></div>`;
  };
  return html`<div class="waterfall" data-testid="waterfall">
    <div class="axis"><span>${formatTime(lo)}</span><span>${formatMs(span / 1e6)}</span><span>${formatTime(hi)}</span></div>
    ${depthFirst(h.tree).map((i) => {
      const n = nodes[i]!;
      const cls = ['span-row', n.errorCount > 0 ? 'error' : '', critical.has(i) ? 'critical' : '', i === bottleneck ? 'bottleneck' : '', causes.has(i) ? 'root-cause' : ''].filter(Boolean).join(' ');
      return html`<div class=${cls} data-node=${n.name} data-failing=${n.errorCount > 0 ? 'true' : undefined}>
        <div class="label" style=${{ paddingLeft: `${n.depth * 14 + 4}px` }} title=${`${n.kind} ${n.name}${n.service ? ` (${n.service})` : ''}`}>
          ${n.kind === 'thread' || n.kind === 'span' ? html`<a href=${`#view=trace&id=${encodeURIComponent(n.name)}`}>${n.name}</a>` : n.name}
          ${n.service ? html`<small> ${n.service}</small>` : null}
          ${causes.has(i) ? html`<span class="tag cause">root cause</span>` : null}
          ${i === bottleneck ? html`<span class="tag slow">bottleneck</span>` : null}
        </div>
        <div class="track">${bar(n)}</div>
        <div class="dur">${formatMs(n.durationMs)}${n.errorCount ? html` <span class="errs">✕${n.errorCount}</span>` : null}</div>
      </div>`;
    })}
    <p class="legend"><span class="key error"></span> errors <span class="key critical"></span> critical path <span class="key bottleneck"></span> bottleneck (largest self time)</p>
  </div>`;
}

export function TraceView(props: { state: ViewState }) {
  const { id } = props.state;
  const h = useApi<HierarchyResult>('hierarchy', { id }, id !== '');
  const b = useApi<BottlenecksResult>('bottlenecks', { id }, id !== '');
  const flow = useApi<ErrorFlowResult>('error-flow', { id }, id !== '');
  const follow = useApi<FollowResult>('follow', { id }, id !== '');
  return html`<div class="trace">
    <form
      class="id-form"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        navigate({ view: 'trace', id: String(new FormData(e.currentTarget as HTMLFormElement).get('id') ?? '') });
      }}
    >
      <label>request / trace / span / thread id <input name="id" key=${id} defaultValue=${id} data-testid="trace-id" /></label> <button>follow</button>
    </form>
    ${!id ? html`<p class="empty">Open an entry and click one of its ids, or type an id.</p>` : null}
    ${h.error ? html`<${Failure} error=${h.error} />` : null}
    ${follow.data
      ? html`<p class="summary" data-testid="follow-summary">
          <strong>${follow.data.kind} ${follow.data.id}</strong>: ${follow.data.total} records, ${formatMs(follow.data.durationMs)},
          services ${follow.data.services.join(' → ') || '–'}, outcome <span class=${follow.data.outcome === 'error' ? 'lv-ERROR' : ''} data-testid="outcome">${follow.data.outcome}</span>
          ${follow.data.firstError ? html`<br />first error: <span class="lv-ERROR">${follow.data.firstError.message}</span>` : null}
        </p>`
      : null}
    ${h.data ? html`<${Waterfall} h=${h.data} b=${b.data} flow=${flow.data} />` : h.loading ? html`<div class="loading-bar">loading…</div>` : null}
    ${follow.data
      ? html`<h4>Records</h4><div class="context">${follow.data.entries.map(
          (e) => html`<div class=${`ctx lv-${e.level}`}><span class="time">${formatTime(e.timestampNs)}</span><span class="lvl">${e.level}</span>${e.service ? html`<span class="svc">${e.service}</span>` : null}<span class="msg">${e.message}</span></div>`,
        )}</div>`
      : null}
  </div>`;
}
