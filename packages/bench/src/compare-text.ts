import type { Comparison } from './compare.js';
import { groupNotCompared } from './compare-svg.js';
import { fmtMs, fmtPct, fmtSpeedup, mdTable } from './format.js';

/** The comparison as a Markdown table (readable in a terminal too), regressions flagged. */
export function renderComparison(cmp: Comparison): string {
  const out: string[] = [];
  const who = (s: Comparison['base']): string => `${s.commit?.slice(0, 10) ?? 'unknown'} (api ${s.api}, ${s.createdAt})`;
  out.push(`# logsift bench compare — ${cmp.current.scale}`, '');
  out.push(`- base: ${who(cmp.base)}`, `- current: ${who(cmp.current)}`);
  for (const w of cmp.warnings) out.push(`- warning: ${w}`);
  out.push('');
  out.push(
    mdTable(
      ['scenario', 'base median', 'current median', 'CV base / current', 'speedup', 'change', 'confidence', ''],
      cmp.scenarios
        .filter((s) => s.speedup !== undefined)
        .map((s) => [
          s.name,
          fmtMs(s.baseMedianMs ?? Number.NaN),
          fmtMs(s.currentMedianMs ?? Number.NaN),
          `${fmtPct(s.baseCv ?? Number.NaN)} / ${fmtPct(s.currentCv ?? Number.NaN)}${s.noisy ? ' (noisy)' : ''}`,
          fmtSpeedup(s.speedup ?? Number.NaN),
          s.direction ?? '',
          s.confidence ?? '',
          s.regression ? `REGRESSION (${s.confidence})` : '',
        ]),
    ),
  );
  const notCompared = groupNotCompared(cmp);
  if (notCompared.length > 0) {
    out.push('', 'not compared:');
    for (const g of notCompared) out.push(`- ${g.note}: ${g.names.join(', ')}`);
  }
  const counts = new Map<string, number>();
  for (const s of cmp.scenarios) {
    const key = s.speedup === undefined ? 'not compared' : s.direction === 'same' ? 'noise' : `${s.direction} (${s.confidence})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  out.push('', `summary: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  out.push(cmp.regressions.length ? `regressions: ${cmp.regressions.join(', ')}` : 'regressions: none');
  out.push('');
  return out.join('\n');
}
