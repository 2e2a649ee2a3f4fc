import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ContextResult, CountResult, Entry, SearchHit } from '@logsift/api';
import { EntryList, Highlighted } from './entry-list.js';
import { Histogram } from './histogram.js';
import { formatTime, number } from './format.js';
import { navigate, type ViewState } from './state.js';
import { useApi, Failure } from './use-api.js';

/** About 60 histogram bars over the shown range. */
function bucketMs(state: ViewState, stats: { firstNs: number | null; lastNs: number | null }): number {
  const lo = state.after ? Date.parse(state.after) : (stats.firstNs ?? 0) / 1e6;
  const hi = state.before ? Date.parse(state.before) : (stats.lastNs ?? 0) / 1e6;
  return Math.max(1, Math.ceil((hi - lo) / 60));
}

const ID_KINDS = ['request', 'trace', 'span', 'thread'] as const;

/** An entry opened: where it is, its ids (each one follows that id), its context records. */
function EntryDetail(props: { hit: SearchHit; onClose: () => void }) {
  const { hit } = props;
  const context = useApi<ContextResult>('context', { file: hit.file, line: hit.line });
  const line = (e: Entry, self = false) =>
    html`<div class=${`ctx lv-${e.level}${self ? ' self' : ''}`}><span class="time">${formatTime(e.timestampNs)}</span><span class="lvl">${e.level}</span><span class="msg">${e.message}</span></div>`;
  return html`<aside class="detail" data-testid="detail">
    <header>
      <strong class=${`lv-${hit.level}`}>${hit.level}</strong> ${formatTime(hit.timestampNs)} <code>${hit.file}:${hit.line}</code>
      <button onClick=${props.onClose} aria-label="close">×</button>
    </header>
    <p class="detail-msg"><${Highlighted} hit=${hit} /></p>
    <ul class="ids" data-testid="ids">
      ${ID_KINDS.filter((k) => hit[k]).map(
        (k) => html`<li><span>${k}</span> <a href=${`#view=trace&id=${encodeURIComponent(hit[k]!)}`} data-id-kind=${k}>${hit[k]}</a></li>`,
      )}
      ${hit.service ? html`<li><span>service</span> <a href=${`#view=entries&q=${encodeURIComponent(`service:${hit.service}`)}`} data-id-kind="service">${hit.service}</a></li>` : null}
    </ul>
    <h4>Context</h4>
    ${context.error ? html`<${Failure} error=${context.error} />` : null}
    ${context.data ? html`<div class="context" data-testid="context">${context.data.before.map((e) => line(e))}${line(context.data.entry, true)}${context.data.after.map((e) => line(e))}</div>` : null}
    <pre class="raw">${hit.raw}</pre>
  </aside>`;
}

/** The query's histogram over the list of its matches, and the opened entry beside them. */
export function EntriesView(props: { state: ViewState; stats: { firstNs: number | null; lastNs: number | null } }) {
  const { state } = props;
  const params: Record<string, string> = {};
  for (const k of ['q', 'after', 'before'] as const) if (state[k]) params[k] = state[k];
  const counts = useApi<CountResult>('histogram', { ...params, bucketMs: bucketMs(state, props.stats) });
  const [selected, setSelected] = useState(-1);
  const [opened, setOpened] = useState<SearchHit | undefined>(undefined);
  const [jump, setJump] = useState<number | undefined>(undefined);
  const key = JSON.stringify(params);
  useEffect(() => {
    setSelected(-1);
    setOpened(undefined);
  }, [key]);
  const total = counts.data?.total ?? 0;
  const zoom = (a: number, b: number) => navigate({ after: new Date(a / 1e6).toISOString(), before: new Date(b / 1e6).toISOString() });
  return html`<div class="entries">
    ${counts.error ? html`<${Failure} error=${counts.error} />` : null}
    ${counts.data ? html`<${Histogram} result=${counts.data} onZoom=${zoom} />` : html`<div class="loading-bar">counting…</div>`}
    <div class="toolbar">
      ${state.after || state.before ? html`<span class="zoomed" data-testid="zoom">${state.after || '…'} → ${state.before || '…'} <button onClick=${() => navigate({ after: '', before: '' })}>reset zoom</button></span>` : null}
      <form
        class="goto"
        onSubmit=${(e: Event) => {
          e.preventDefault();
          const n = Number(new FormData(e.currentTarget as HTMLFormElement).get('n'));
          if (Number.isInteger(n) && n >= 1 && n <= total) {
            setSelected(n - 1);
            setJump(n - 1);
          }
        }}
      >
        <label>go to match # <input name="n" type="number" min="1" max=${total} data-testid="goto" /></label>
      </form>
      <span class="selected-info">${selected >= 0 ? `${number(selected + 1)} / ${number(total)}` : ''}</span>
    </div>
    <div class="split">
      ${counts.data
        ? html`<${EntryList}
            params=${params}
            total=${total}
            selected=${selected}
            jump=${jump}
            onSelect=${(i: number) => setSelected(i)}
            onOpen=${(h: SearchHit) => setOpened(h)}
          />`
        : null}
      ${opened ? html`<${EntryDetail} key=${opened.id} hit=${opened} onClose=${() => setOpened(undefined)} />` : null}
    </div>
  </div>`;
}
