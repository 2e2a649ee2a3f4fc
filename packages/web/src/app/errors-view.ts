import { html } from 'htm/preact';
import type { ErrorFlowResult, RootCause, ScopeErrorFlow, TreeErrorFlow } from '@logsift/api';
import { formatTime, number } from './format.js';
import { type ViewState } from './state.js';
import { Failure, useApi } from './use-api.js';

/** A root cause and the chain it propagated up, as nested items (cause at the top). */
function Chain(props: { cause: RootCause }) {
  const chain = props.cause.chain;
  const nest = (i: number): unknown =>
    i >= chain.length
      ? null
      : html`<li class=${chain[i]!.errored ? 'error' : ''}>${chain[i]!.kind} <strong>${chain[i]!.name}</strong> ${chain[i]!.firstErrorNs ? html`<small>${formatTime(chain[i]!.firstErrorNs)}</small>` : null}<ul>${nest(i + 1)}</ul></li>`;
  return html`<div class="cause">
    <p><span class="tag cause">root cause</span> ${props.cause.node.name}: <span class="lv-ERROR">${props.cause.firstErrorMessage}</span></p>
    <ul class="tree">${nest(0)}</ul>
  </div>`;
}

function ScopeFlow(props: { flow: ScopeErrorFlow }) {
  const { flow } = props;
  const origin = flow.suggestedOrigin;
  const max = Math.max(1, ...flow.services.flatMap((s) => s.buckets.map(([, c]) => c)));
  return html`<div>
    <p class="summary">${number(flow.errors)} errors. ${origin ? html`Suggested origin: <strong data-testid="origin">${origin}</strong>${flow.reason ? ` (${flow.reason})` : ''}` : null}</p>
    <ul class="tree" data-testid="error-tree">
      ${flow.services.map(
        (s) => html`<li class=${s.service === origin ? 'origin' : ''}>
          <strong>${s.service || '(no service)'}</strong> ${number(s.errors)} errors from ${formatTime(s.firstErrorNs)}
          <svg class="spark" viewBox=${`0 0 ${Math.max(1, s.buckets.length)} 10`} preserveAspectRatio="none">${s.buckets.map(([, c], i) => html`<rect x=${i} width="0.8" y=${10 - (c / max) * 10} height=${(c / max) * 10} fill="#dc2626" />`)}</svg>
          <div class="msg lv-ERROR">${s.firstErrorMessage}</div>
        </li>`,
      )}
    </ul>
    ${flow.emerging.length ? html`<h4>Error templates that appeared partway</h4><ul>${flow.emerging.map((e) => html`<li>${formatTime(e.firstNs)} <strong>${e.service}</strong> ×${e.count} <code>${e.pattern}</code></li>`)}</ul>` : null}
  </div>`;
}

/** Where errors started and how they spread: an id's tree from its root causes, or the scope by service. */
export function ErrorsView(props: { state: ViewState }) {
  const { q, after, before, id } = props.state;
  const flow = useApi<ErrorFlowResult>('error-flow', id ? { id } : { q, after, before });
  return html`<div class="errors" data-testid="errors-view">
    ${flow.error ? html`<${Failure} error=${flow.error} />` : null}
    ${flow.data?.mode === 'tree'
      ? html`<p class="summary">${(flow.data as TreeErrorFlow).impact.errorNodes} of ${(flow.data as TreeErrorFlow).impact.nodes} nodes errored under ${id}.</p>${(flow.data as TreeErrorFlow).rootCauses.map((c) => html`<${Chain} cause=${c} />`)}`
      : flow.data
        ? html`<${ScopeFlow} flow=${flow.data as ScopeErrorFlow} />`
        : null}
  </div>`;
}
