import { generate, generateToFile, type GenerateOptions } from '@logsift/api';
import { Command, InvalidArgumentError, Option } from 'commander';

interface GenerateFlags {
  entries: number;
  format: 'json' | 'text' | 'logfmt';
  seed: number;
  services?: number;
  errorRate?: number;
  incidents: boolean;
  start?: string;
  out?: string;
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('too large');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/**
 * `logsift-bench generate`: writes the deterministic test logs (the engine's generator via
 * `@logsift/api`). With `--out` it streams to the file and prints the summary (with the
 * incident's ground truth) as JSON; without it the logs go to stdout (up to 1M entries).
 */
export function generateCommand(): Command {
  return new Command('generate')
    .description('write deterministic, realistic multi-service logs (same seed, same bytes)')
    .requiredOption('-n, --entries <n>', 'number of log entries', integer)
    .addOption(new Option('-f, --format <format>', 'output layout').choices(['json', 'text', 'logfmt']).default('json'))
    .option('-s, --seed <n>', 'PRNG seed', integer, 42)
    .option('--services <n>', 'number of services (1..64, default 5)', integer)
    .option('--error-rate <rate>', 'share of ERROR records (0..0.7, default 0.1)', fraction)
    .option('--no-incidents', 'do not inject the payments outage')
    .option('--start <time>', 'time of the first record (RFC 3339, default 2024-01-15T08:00:00Z)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (flags: GenerateFlags) => {
      const options: GenerateOptions = {
        entries: flags.entries,
        format: flags.format,
        seed: flags.seed,
        incidents: flags.incidents,
      };
      if (flags.services !== undefined) options.services = flags.services;
      if (flags.errorRate !== undefined) options.errorRate = flags.errorRate;
      if (flags.start !== undefined) options.start = flags.start;
      if (flags.out === undefined) {
        process.stdout.write(generate(options));
        return;
      }
      const started = performance.now();
      const summary = await generateToFile(flags.out, options);
      const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
      process.stdout.write(`${JSON.stringify({ file: flags.out, elapsedMs, ...summary }, null, 2)}\n`);
    });
}
