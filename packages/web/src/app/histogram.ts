import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { CountResult } from '@logsift/api';
import { LEVEL_COLORS, LEVELS, number } from './format.js';

/** Stacking order from the bottom: the worst levels sit on the axis, where they are seen first. */
const STACK = LEVELS;

/**
 * The matches over time as bars stacked by level (uPlot on a canvas): each level's series is
 * drawn as the cumulative count up to it, the tallest first, so each bar shows its split.
 * Dragging across it selects a time range, which becomes the zoom of every view.
 */
export function Histogram(props: { result: CountResult; onZoom: (afterNs: number, beforeNs: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const { result, onZoom } = props;
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  useEffect(() => {
    const el = box.current;
    const tl = result.aggregations.timeLevel;
    if (!el || !tl) return;
    const xs = tl.buckets.map(([t]) => t / 1e9);
    const present = STACK.filter((lv) => tl.buckets.some(([, c]) => (c[lv] ?? 0) > 0));
    const cumulative = present.map((_, k) => tl.buckets.map(([, c]) => present.slice(0, k + 1).reduce((s, lv) => s + (c[lv] ?? 0), 0)));
    const bars = uPlot.paths.bars!({ size: [0.9, 64], align: 1 });
    const order = present.map((_, k) => k).reverse();
    const plot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 160,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#475569' }, { stroke: '#475569', size: 56 }],
        series: [{}, ...order.map((k) => ({ label: present[k], fill: LEVEL_COLORS[present[k]!], stroke: LEVEL_COLORS[present[k]!], width: 0, paths: bars, points: { show: false } }))],
        hooks: {
          setSelect: [
            (u: uPlot) => {
              if (u.select.width < 2) return;
              const a = u.posToVal(u.select.left, 'x');
              const b = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom.current(Math.floor(a * 1e9), Math.ceil(b * 1e9));
            },
          ],
        },
      },
      [xs, ...order.map((k) => cumulative[k]!)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 160 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [result]);
  const levels = result.aggregations.level ?? {};
  return html`<section class="histogram">
    <div class="counts" data-testid="counts">
      <strong data-testid="total">${number(result.total)}</strong> matches
      ${STACK.filter((lv) => levels[lv]).map((lv) => html`<span class=${`chip lv-${lv}`} data-level=${lv}>${lv} ${number(levels[lv] ?? 0)}</span>`)}
      <span class="hint">drag across the chart to zoom</span>
    </div>
    <div class="chart" ref=${box} data-testid="histogram"></div>
  </section>`;
}
