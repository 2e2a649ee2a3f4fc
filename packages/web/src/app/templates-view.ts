import { html } from 'htm/preact';
import type { TemplatesResult } from '@logsift/api';
import { formatTime, number } from './format.js';
import { navigate } from './state.js';
import { Failure, useApi } from './use-api.js';

function Sparkline(props: { counts: number[] }) {
  const max = Math.max(1, ...props.counts);
  const points = props.counts.map((c, i) => `${i},${10 - (c / max) * 10}`).join(' ');
  return html`<svg class="spark" viewBox=${`0 0 ${Math.max(1, props.counts.length - 1)} 10`} preserveAspectRatio="none"><polyline points=${points} fill="none" stroke="#2563eb" stroke-width="1" vector-effect="non-scaling-stroke" /></svg>`;
}

/** The templates that dominate: counts, errors, first and last seen, and their shape over time. */
export function TemplatesView() {
  const t = useApi<TemplatesResult>('templates', { limit: 100 });
  return html`<div class="templates">
    ${t.error ? html`<${Failure} error=${t.error} />` : null}
    ${t.data
      ? html`<p class="summary">${number(t.data.total)} templates over ${number(t.data.entries)} entries${t.data.truncated ? ' (the 100 most frequent shown)' : ''}.</p>
          <table data-testid="templates-table">
            <thead><tr><th>count</th><th>errors</th><th>over time</th><th>pattern</th><th>first</th><th>last</th></tr></thead>
            <tbody>
              ${t.data.templates.map(
                (x, i) => html`<tr class=${x.errorCount ? 'has-errors' : ''}>
                  <td class="num">${number(x.count)}</td>
                  <td class="num">${x.errorCount ? number(x.errorCount) : ''}</td>
                  <td><${Sparkline} counts=${t.data!.sparklines?.counts[i] ?? []} /></td>
                  <td><a href="#" onClick=${(e: Event) => {
                    e.preventDefault();
                    navigate({ view: 'entries', q: `"${x.pattern.split('<*>').sort((a, b) => b.length - a.length)[0]!.trim()}"` });
                  }}><code>${x.pattern}</code></a></td>
                  <td>${formatTime(x.firstNs)}</td>
                  <td>${formatTime(x.lastNs)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
      : null}
  </div>`;
}
