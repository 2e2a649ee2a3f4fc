import type { Comparison, ConfidenceClass, Direction } from './compare.js';
import { fmtSpeedup } from './format.js';

const COLOURS: Record<'faster' | 'slower', Record<Exclude<ConfidenceClass, 'noise'>, string>> = {
  faster: { definitive: '#116329', high: '#1a7f37', moderate: '#4ac26b', marginal: '#9be9a8' },
  slower: { definitive: '#a40e26', high: '#cf222e', moderate: '#fa4549', marginal: '#ffaba8' },
};
const NOISE = '#afb8c1';

export function colourFor(direction: Direction | undefined, confidence: ConfidenceClass | undefined): string {
  if (!direction || !confidence || confidence === 'noise' || direction === 'same') return NOISE;
  return COLOURS[direction][confidence];
}

/** Scenarios without a speedup, grouped by the reason. */
export function groupNotCompared(cmp: Comparison): { note: string; names: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const s of cmp.scenarios) {
    if (s.speedup !== undefined) continue;
    const note = s.note ?? 'not compared';
    groups.set(note, [...(groups.get(note) ?? []), s.name]);
  }
  return [...groups].map(([note, names]) => ({ note, names }));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A horizontal bar per scenario: speedup on a log2 axis centred on 1× (right = faster, left =
 * slower), coloured by direction and confidence class; scenarios that could not be compared
 * are listed with the reason instead of a bar.
 */
export function renderComparisonSvg(cmp: Comparison): string {
  const width = 1000;
  const labelW = 300;
  const left = labelW + 20;
  const right = width - 230;
  const centre = (left + right) / 2;
  const half = (right - left) / 2;
  const rowH = 24;
  const top = 96;
  const rows = cmp.scenarios.filter((r) => r.speedup !== undefined);
  const notCompared = groupNotCompared(cmp);
  const maxAbs = Math.max(1, ...rows.filter((r) => r.speedup !== undefined).map((r) => Math.abs(Math.log2(r.speedup as number))));
  const span = Math.min(4, Math.ceil(maxAbs));
  const x = (s: number): number => centre + (Math.max(-span, Math.min(span, Math.log2(s))) / span) * half;
  const height = top + rows.length * rowH + 40 + (notCompared.length > 0 ? 24 + notCompared.length * 16 : 0);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="20" y="28" font-size="18" font-weight="bold" fill="#1f2328">logsift bench: speedup per scenario (${esc(cmp.current.scale)})</text>`);
  const who = (s: Comparison['base']): string => `${s.commit?.slice(0, 10) ?? 'unknown'} (api ${s.api}, ${s.createdAt.slice(0, 16).replace('T', ' ')})`;
  parts.push(`<text x="20" y="48" font-size="12" fill="#57606a">base ${esc(who(cmp.base))} → current ${esc(who(cmp.current))}; bar = base median ÷ current median, log scale</text>`);
  // Legend.
  const legend: [string, string][] = [
    ['faster: definitive', COLOURS.faster.definitive],
    ['high', COLOURS.faster.high],
    ['moderate', COLOURS.faster.moderate],
    ['marginal', COLOURS.faster.marginal],
    ['noise', NOISE],
    ['slower: marginal', COLOURS.slower.marginal],
    ['moderate', COLOURS.slower.moderate],
    ['high', COLOURS.slower.high],
    ['definitive', COLOURS.slower.definitive],
  ];
  let lx = 20;
  for (const [label, colour] of legend) {
    parts.push(`<rect x="${lx}" y="60" width="12" height="12" fill="${colour}"/>`);
    parts.push(`<text x="${lx + 16}" y="70" font-size="11" fill="#1f2328">${esc(label)}</text>`);
    lx += 16 + label.length * 6.2 + 12;
  }
  // Grid: powers of two from 1/2^span to 2^span.
  for (let k = -span; k <= span; k++) {
    const gx = x(2 ** k);
    parts.push(`<line x1="${gx.toFixed(1)}" y1="${top - 8}" x2="${gx.toFixed(1)}" y2="${top + rows.length * rowH}" stroke="${k === 0 ? '#57606a' : '#d0d7de'}" stroke-width="${k === 0 ? 1.5 : 1}"/>`);
    const label = k >= 0 ? `${2 ** k}×` : `1/${2 ** -k}×`;
    parts.push(`<text x="${gx.toFixed(1)}" y="${top + rows.length * rowH + 16}" font-size="11" text-anchor="middle" fill="#57606a">${label}</text>`);
  }
  parts.push(`<text x="${right}" y="${top - 14}" font-size="11" text-anchor="end" fill="#1a7f37">faster →</text>`);
  parts.push(`<text x="${left}" y="${top - 14}" font-size="11" fill="#cf222e">← slower</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    if (i % 2 === 0) parts.push(`<rect x="10" y="${y}" width="${width - 20}" height="${rowH}" fill="#f6f8fa"/>`);
    const cy = y + rowH / 2 + 4;
    parts.push(`<text x="${labelW}" y="${cy}" font-size="12" text-anchor="end" fill="#1f2328" font-family="Menlo, Consolas, monospace">${esc(r.name)}</text>`);
    const speedup = r.speedup as number;
    const x0 = centre;
    const x1 = x(speedup);
    const bx = Math.min(x0, x1);
    const bw = Math.max(2, Math.abs(x1 - x0));
    parts.push(`<rect x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 8}" rx="2" fill="${colourFor(r.direction, r.confidence)}"/>`);
    // Values in their own column, so a long bar never runs into a label.
    const text = `${fmtSpeedup(speedup)} ${r.confidence}${r.regression ? ' ⚠ regression' : ''}${r.noisy ? ' (noisy)' : ''}`;
    parts.push(`<text x="${right + 12}" y="${cy}" font-size="11" fill="${r.regression ? '#a40e26' : '#1f2328'}">${esc(text)}</text>`);
  });
  if (notCompared.length > 0) {
    let y = top + rows.length * rowH + 44;
    const total = notCompared.reduce((n, g) => n + g.names.length, 0);
    parts.push(`<text x="20" y="${y}" font-size="12" fill="#57606a">${total} scenario(s) not compared (skipped or failed in one of the runs):</text>`);
    for (const g of notCompared) {
      y += 16;
      const names = g.names.length > 3 ? `${g.names.slice(0, 3).join(', ')} and ${g.names.length - 3} more` : g.names.join(', ');
      parts.push(`<text x="30" y="${y}" font-size="11" fill="#8c959f">${esc(`${g.note.slice(0, 95)} — ${names}`.slice(0, 175))}</text>`);
    }
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
