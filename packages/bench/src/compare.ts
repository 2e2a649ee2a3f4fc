import type { Report, ScenarioResult } from './report.js';
import type { Summary } from './stats.js';

/**
 * How sure a change is, from the two run-time distributions:
 * - definitive: no overlap at all (faster: current max < base min);
 * - high: current p95 beats the base median;
 * - moderate: medians differ by more than 10%;
 * - marginal: medians differ by more than 3%;
 * - noise: anything less.
 * Regressions use the same classes mirrored (current min > base max, current median > base p95, ...).
 */
export type ConfidenceClass = 'definitive' | 'high' | 'moderate' | 'marginal' | 'noise';
export type Direction = 'faster' | 'slower' | 'same';

export const MODERATE = 1.1;
export const MARGINAL = 1.03;
/**
 * Above this coefficient of variation on either side, a median-only class (moderate,
 * marginal) is within what the machine's own noise produces: an A/A run of one commit on a
 * loaded machine shows such classes in both directions. The class is kept; it is marked.
 */
export const NOISY_CV = 0.25;

export interface Classification {
  /** base median / current median: above 1 is faster. */
  speedup: number;
  direction: Direction;
  confidence: ConfidenceClass;
}

/** Classifies the change from `base` to `current` run times. */
export function classify(base: Summary, current: Summary): Classification {
  const speedup = base.median / current.median;
  if (current.median < base.median) {
    const confidence: ConfidenceClass =
      current.max < base.min ? 'definitive' : current.p95 < base.median ? 'high' : speedup > MODERATE ? 'moderate' : speedup > MARGINAL ? 'marginal' : 'noise';
    return { speedup, direction: confidence === 'noise' ? 'same' : 'faster', confidence };
  }
  if (current.median > base.median) {
    const slowdown = current.median / base.median;
    const confidence: ConfidenceClass =
      current.min > base.max ? 'definitive' : current.median > base.p95 ? 'high' : slowdown > MODERATE ? 'moderate' : slowdown > MARGINAL ? 'marginal' : 'noise';
    return { speedup, direction: confidence === 'noise' ? 'same' : 'slower', confidence };
  }
  return { speedup: 1, direction: 'same', confidence: 'noise' };
}

export interface ScenarioComparison extends Partial<Classification> {
  name: string;
  suite: string;
  baseMedianMs?: number;
  currentMedianMs?: number;
  baseCv?: number;
  currentCv?: number;
  /** Either side's CV is above NOISY_CV: trust only definitive and high. */
  noisy?: boolean;
  /** A slowdown beyond noise. */
  regression: boolean;
  /** Why it could not be compared (skipped or failed on one side, missing on one side). */
  note?: string;
}

export interface Comparison {
  base: { createdAt: string; commit: string | null; api: string; scale: string };
  current: { createdAt: string; commit: string | null; api: string; scale: string };
  /** Differences that make the comparison less meaningful (scale, seed, data, machine). */
  warnings: string[];
  scenarios: ScenarioComparison[];
  regressions: string[];
}

function side(r: Report): Comparison['base'] {
  return { createdAt: r.createdAt, commit: r.versions.gitCommit, api: r.versions.logsiftApi, scale: r.scale };
}

function statusNote(label: string, r: ScenarioResult | undefined): string | undefined {
  if (!r) return `not in ${label}`;
  if (r.status !== 'ok' || !r.timeMs) return `${r.status} in ${label}${r.reason ? `: ${r.reason.replace(/\s+/g, ' ').trim()}` : ''}`;
  return undefined;
}

/** Compares every logsift scenario of two reports by name (peers are other tools: left out). */
export function compareReports(base: Report, current: Report): Comparison {
  const warnings: string[] = [];
  if (base.scale !== current.scale) warnings.push(`scales differ: ${base.scale} vs ${current.scale}`);
  if (base.seed !== current.seed) warnings.push(`seeds differ: ${base.seed} vs ${current.seed}`);
  for (const d of current.data) {
    const b = base.data.find((x) => x.format === d.format);
    if (b && b.sha256 !== d.sha256) warnings.push(`the ${d.format} data differs between the runs (sha256)`);
  }
  if (base.machine.cpuModel !== current.machine.cpuModel || base.machine.cores !== current.machine.cores) {
    warnings.push(`machines differ: ${base.machine.cpuModel} ×${base.machine.cores} vs ${current.machine.cpuModel} ×${current.machine.cores}`);
  }
  const baseByName = new Map(base.scenarios.map((s) => [s.name, s]));
  const names = [...new Set([...base.scenarios, ...current.scenarios].filter((s) => s.suite !== 'peers').map((s) => s.name))];
  const currentByName = new Map(current.scenarios.map((s) => [s.name, s]));
  const scenarios: ScenarioComparison[] = names.map((name) => {
    const b = baseByName.get(name);
    const c = currentByName.get(name);
    const suite = (c ?? b)?.suite ?? '';
    const note = statusNote('base', b) ?? statusNote('current', c);
    if (note || !b?.timeMs || !c?.timeMs) return { name, suite, regression: false, note: note ?? 'no timings' };
    const cls = classify(b.timeMs, c.timeMs);
    return {
      name,
      suite,
      ...cls,
      baseMedianMs: b.timeMs.median,
      currentMedianMs: c.timeMs.median,
      baseCv: b.timeMs.cv,
      currentCv: c.timeMs.cv,
      noisy: Math.max(b.timeMs.cv, c.timeMs.cv) > NOISY_CV,
      regression: cls.direction === 'slower',
    };
  });
  const noisy = scenarios.filter((s) => s.noisy).length;
  if (noisy > 0) warnings.push(`${noisy} scenario(s) have a CV above ${NOISY_CV * 100}% in one run: their moderate/marginal classes are within noise`);
  return { base: side(base), current: side(current), warnings, scenarios, regressions: scenarios.filter((s) => s.regression).map((s) => s.name) };
}
