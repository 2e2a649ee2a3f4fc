import { html } from 'htm/preact';
import type { CompareResult, FollowResult, IdsResult } from '@logsift/api';
import { formatMs, formatTime } from './format.js';
import { navigate, type ViewState } from './state.js';
import { Failure, useApi } from './use-api.js';

function Side(props: { id: string; follow?: FollowResult; divergence?: number; label: string }) {
  const f = props.follow;
  return html`<div class="side" data-testid=${`side-${props.label}`}>
    <h4>${props.label}: ${props.id} ${f ? html`<small>${f.total} records, ${formatMs(f.durationMs)}, <span class=${f.outcome === 'error' ? 'lv-ERROR' : ''}>${f.outcome}</span></small>` : null}</h4>
    <div class="context">
      ${f?.entries.map(
        (e, i) => html`<div class=${`ctx lv-${e.level}${i === props.divergence ? ' diverge' : ''}`}><span class="time">${formatTime(e.timestampNs)}</span><span class="lvl">${e.level}</span><span class="msg">${e.message}</span></div>`,
      )}
    </div>
  </div>`;
}

/**
 * Two requests (threads, traces) side by side, the first step where they differ marked.
 * Its inputs (like every input of the page) are uncontrolled (`defaultValue`, re-keyed when the
 * URL state changes): a re-render while someone types (an answer arriving) keeps what they typed.
 */
export function CompareView(props: { state: ViewState }) {
  const { a, b } = props.state;
  const both = a !== '' && b !== '';
  const cmp = useApi<CompareResult>('compare', { a, b }, both);
  const fa = useApi<FollowResult>('follow', { id: a }, both);
  const fb = useApi<FollowResult>('follow', { id: b }, both);
  const ids = useApi<IdsResult>('ids', { limit: 50 });
  const d = cmp.data?.comparison.divergence;
  return html`<div class="compare">
    <form
      class="id-form"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget as HTMLFormElement);
        navigate({ view: 'compare', a: String(f.get('a') ?? ''), b: String(f.get('b') ?? '') });
      }}
    >
      <input name="a" key=${`a:${a}`} defaultValue=${a} list="known-ids" placeholder="id A" data-testid="compare-a" />
      <input name="b" key=${`b:${b}`} defaultValue=${b} list="known-ids" placeholder="id B" data-testid="compare-b" />
      <button>compare</button>
      <datalist id="known-ids">${ids.data?.kinds.filter((k) => k.kind !== 'service').flatMap((k) => k.ids.map((i) => html`<option value=${i.id}>${k.kind}</option>`))}</datalist>
    </form>
    ${cmp.error ? html`<${Failure} error=${cmp.error} />` : null}
    ${cmp.data ? html`<p class="summary" data-testid="divergence">${d ? html`They diverge at step ${d.index + 1}: <code>${d.a?.pattern ?? '(end)'}</code> vs <code>${d.b?.pattern ?? '(end)'}</code>` : 'Their template sequences agree.'}</p>` : null}
    ${both ? html`<div class="sides"><${Side} id=${a} follow=${fa.data} divergence=${d?.index} label="A" /><${Side} id=${b} follow=${fb.data} divergence=${d?.index} label="B" /></div>` : html`<p class="empty">Pick two ids to compare.</p>`}
  </div>`;
}
