import { fmtBytes, fmtCount, fmtMs, fmtPct, fmtSpeedup, mdTable } from './format.js';
import type { Report, ScenarioResult } from './report.js';
import { SUITES } from './scenario.js';

function throughputCell(r: ScenarioResult): string {
  const parts: string[] = [];
  if (r.throughput?.entriesPerSec !== undefined) parts.push(`${fmtCount(r.throughput.entriesPerSec)} entries/s`);
  if (r.throughput?.mbPerSec !== undefined) parts.push(`${r.throughput.mbPerSec.toFixed(0)} MB/s`);
  return parts.join(', ') || '–';
}

function foundCell(r: ScenarioResult): string {
  if (!r.found) return '';
  return Object.entries(r.found)
    .filter(([, v]) => v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? fmtCount(v) : String(v)}`)
    .join(', ');
}

/** Run time, throughput and each memory figure of the ok scenarios of one suite. */
function suiteTable(results: readonly ScenarioResult[]): string {
  const rows = results
    .filter((r) => r.status === 'ok' && r.timeMs)
    .map((r) => {
      const t = r.timeMs as NonNullable<ScenarioResult['timeMs']>;
      const iso = r.memory?.isolated;
      const heap = iso?.afterRun && iso.afterSetup ? iso.afterRun.jsHeapUsed - iso.afterSetup.jsHeapUsed : undefined;
      const anon = iso?.afterRun && iso.afterSetup ? iso.afterRun.anonRss - iso.afterSetup.anonRss : undefined;
      const file = iso?.afterRun && iso.afterSetup ? iso.afterRun.fileRss - iso.afterSetup.fileRss : undefined;
      return [
        r.name,
        fmtMs(t.median),
        fmtMs(t.p95),
        `${fmtMs(t.min)} – ${fmtMs(t.max)}`,
        fmtPct(t.cv),
        String(t.runs),
        throughputCell(r),
        fmtBytes(heap),
        fmtBytes(anon),
        fmtBytes(file),
        iso ? `${fmtBytes(iso.peakRss)}${iso.peakGrowth !== undefined ? ` (+${fmtBytes(iso.peakGrowth)})` : ''}` : r.memory?.isolatedError ? 'failed' : '–',
        r.target ?? '',
        foundCell(r),
      ];
    });
  return mdTable(
    ['scenario', 'median', 'p95', 'min – max', 'CV', 'runs', 'throughput', 'JS heap Δ', 'anon RSS Δ', 'file-backed Δ', 'peak RSS (run growth)', 'target', 'found'],
    rows,
  );
}

/** The report as Markdown for a person: setup, one table per suite, peers with ratios, skips. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const v = report.versions;
  out.push(`# logsift bench — ${report.scale} (${fmtCount(report.entries)} entries)`);
  out.push('');
  out.push(`- when: ${report.createdAt} (took ${(report.durationMs / 1000).toFixed(0)} s)`);
  out.push(`- machine: ${report.machine.cpuModel}, ${report.machine.cores} cores, ${fmtBytes(report.machine.memoryBytes)}, ${report.machine.os}`);
  const m = report.machine;
  if (m.loadAverage) out.push(`- load average at start: ${m.loadAverage.join(', ')}; Node start-up variables set: ${m.nodeStartupEnv?.length ? m.nodeStartupEnv.join(', ') : 'none'}`);
  out.push(`- versions: node ${v.node}, ${v.rust ?? 'rustc not installed'}, @logsift/api ${v.logsiftApi}, commit ${v.gitCommit?.slice(0, 12) ?? 'unknown'}${v.gitDirty ? ' (dirty)' : ''}`);
  out.push(`- data (seed ${report.seed}): ${report.data.map((d) => `${d.format} ${fmtBytes(d.bytes)}`).join(', ')}`);
  out.push(`- runs: ${report.settings.warmupRuns} warm-up runs discarded, then at least ${report.settings.minRuns} measured runs and ${report.settings.timeMs} ms`);
  out.push(
    `- query terms chosen from the data: ~17% "${report.probes.term17?.term ?? '–'}" (${fmtPct(report.probes.term17?.share ?? 0)} of sampled records), ~60% "${report.probes.term60?.term ?? '–'}" (${fmtPct(report.probes.term60?.share ?? 0)}), rare "${report.probes.termRare?.term ?? '–'}"`,
  );
  out.push('');
  out.push('Memory columns come from one run of the scenario in a fresh child process (`scenario-child`), after setup:');
  out.push('**JS heap Δ** = V8 heap used; **anon RSS Δ** = resident anonymous memory (native allocations such as the index, plus the V8 heap);');
  out.push('**file-backed Δ** = resident mapped file pages (the log files themselves, reclaimable); **peak RSS** = the high-water mark');
  out.push('during that run (reset after setup), with what the run added over the resident set before it. For spawned commands (CLI, peers),');
  out.push('the peak is that process\'s own maxrss (GNU time) and the deltas do not apply.');
  for (const suite of SUITES) {
    const rs = report.scenarios.filter((r) => r.suite === suite);
    if (rs.length === 0 || suite === 'peers') continue;
    out.push('', `## ${suite}`, '');
    if (rs.some((r) => r.status === 'ok')) out.push(suiteTable(rs));
    const other = rs.filter((r) => r.status !== 'ok');
    if (other.length > 0) {
      out.push('');
      for (const r of other) out.push(`- ${r.name}: **${r.status}** — ${r.reason ?? ''}`);
    }
  }
  const peers = report.scenarios.filter((r) => r.suite === 'peers');
  if (peers.length > 0) {
    out.push('', '## peers (same files, same run)', '');
    out.push('Ratio = peer median ÷ logsift median of the paired scenario: above 1, logsift is faster.', '');
    const rows: string[][] = [];
    for (const p of peers) {
      if (p.status !== 'ok' || !p.timeMs) continue;
      const ratios = p.ratios?.length ? p.ratios.map((x) => `${x.scenario}: ${fmtSpeedup(x.ratio)}`).join('; ') : 'paired scenario did not run';
      rows.push([p.name, String(p.inputs?.['version'] ?? ''), fmtMs(p.timeMs.median), fmtMs(p.timeMs.p95), String(p.timeMs.runs), ratios, foundCell(p)]);
    }
    if (rows.length) out.push(mdTable(['peer scenario', 'version', 'median', 'p95', 'runs', 'ratio vs logsift', 'found'], rows));
    const skipped = peers.filter((p) => p.status !== 'ok');
    if (skipped.length) {
      out.push('');
      for (const p of skipped) out.push(`- ${p.name}: **${p.status}** — ${p.reason ?? ''}`);
    }
  }
  out.push('');
  return out.join('\n');
}
