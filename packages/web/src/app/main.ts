import 'uplot/dist/uPlot.min.css';
import './style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Stats } from '@logsift/api';
import { watchStatus, type OpenStatus } from './api.js';
import { CompareView } from './compare-view.js';
import { EntriesView } from './entries-view.js';
import { ErrorsView } from './errors-view.js';
import { number } from './format.js';
import { navigate, readState, type View, type ViewState } from './state.js';
import { TemplatesView } from './templates-view.js';
import { TraceView } from './trace-view.js';
import { Failure, useApi } from './use-api.js';

const TABS: [View, string][] = [
  ['entries', 'Entries'],
  ['trace', 'Waterfall'],
  ['errors', 'Error flow'],
  ['templates', 'Templates'],
  ['compare', 'Compare'],
];

/** While the index is built: its progress, streamed from the server. */
function Indexing(props: { status: OpenStatus }) {
  const { done, total, error } = props.status;
  if (error) return html`<div class="failure" role="alert"><strong>${error.code}</strong> ${error.message}</div>`;
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return html`<div class="indexing" data-testid="indexing">
    <p>Indexing… ${total > 0 ? `${pct}% (${number(Math.round(done / 1e6))} of ${number(Math.round(total / 1e6))} MB)` : ''}</p>
    <progress max="100" value=${pct}></progress>
  </div>`;
}

function Main(props: { state: ViewState }) {
  const { state } = props;
  const stats = useApi<Stats>('stats', {});
  if (stats.error) return html`<${Failure} error=${stats.error} />`;
  if (!stats.data) return html`<div class="loading-bar">loading…</div>`;
  const s = stats.data;
  return html`<div class="main">
    <header class="top">
      <span class="brand">logsift</span>
      <form
        class="query"
        onSubmit=${(e: Event) => {
          e.preventDefault();
          navigate({ view: state.view === 'errors' ? 'errors' : 'entries', q: String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '') });
        }}
      >
        <input name="q" key=${state.q} defaultValue=${state.q} placeholder=${'query: level>=error service:checkout "timeout" -healthcheck'} data-testid="query" autocomplete="off" spellcheck=${false} />
      </form>
      <span class="sources" title=${s.files.map((f) => f.path).join('\n')}>${number(s.entries)} entries in ${s.files.length} file${s.files.length === 1 ? '' : 's'}</span>
    </header>
    <nav class="tabs">
      ${TABS.map(([v, label]) => html`<a href="#" class=${v === state.view ? 'active' : ''} data-tab=${v} onClick=${(e: Event) => (e.preventDefault(), navigate({ view: v }))}>${label}</a>`)}
    </nav>
    ${state.view === 'entries' ? html`<${EntriesView} state=${state} stats=${s.timeRange} />` : null}
    ${state.view === 'trace' ? html`<${TraceView} state=${state} />` : null}
    ${state.view === 'errors' ? html`<${ErrorsView} state=${state} />` : null}
    ${state.view === 'templates' ? html`<${TemplatesView} />` : null}
    ${state.view === 'compare' ? html`<${CompareView} state=${state} />` : null}
  </div>`;
}

function App() {
  const [status, setStatus] = useState<OpenStatus>({ state: 'indexing', done: 0, total: 0 });
  const [state, setState] = useState(readState);
  useEffect(() => watchStatus(setStatus), []);
  useEffect(() => {
    const onHash = () => setState(readState());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return status.state === 'ready' ? html`<${Main} state=${state} />` : html`<${Indexing} status=${status} />`;
}

render(html`<${App} />`, document.getElementById('app')!);
