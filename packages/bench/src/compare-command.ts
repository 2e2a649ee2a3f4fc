import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { compareReports } from './compare.js';
import { renderComparisonSvg } from './compare-svg.js';
import { renderComparison } from './compare-text.js';
import { assertReport } from './report.js';

function load(path: string): ReturnType<typeof assertReport> {
  return assertReport(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** `logsift-bench compare base.json current.json`: speedups with confidence classes, regressions flagged. */
export function compareCommand(): Command {
  return new Command('compare')
    .description('Compare two reports: speedup per scenario with a confidence class; regressions flagged.')
    .argument('<base>', 'report of the reference run (JSON)')
    .argument('<current>', 'report of the run to judge (JSON)')
    .option('--svg <file>', 'also write a bar chart of the speedups')
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--fail-on-regression', 'exit 1 when any scenario is slower beyond noise')
    .action((basePath: string, currentPath: string, flags: { svg?: string; json?: boolean; failOnRegression?: boolean }) => {
      const cmp = compareReports(load(basePath), load(currentPath));
      process.stdout.write(flags.json ? `${JSON.stringify(cmp, null, 2)}\n` : renderComparison(cmp));
      if (flags.svg) {
        writeFileSync(flags.svg, renderComparisonSvg(cmp));
        process.stderr.write(`chart: ${flags.svg}\n`);
      }
      if (flags.failOnRegression && cmp.regressions.length > 0) process.exitCode = 1;
    });
}
