import type { UsageError } from './errors.js';
import { checkConfigRules, readRulesConfig } from './config-rules.js';
import { open } from './open.js';
import { customFormatOption, formatConfigFiles, readFormatConfig, type FormatConfigOptions, type SavedFormat } from './saved-formats.js';

/** A problem `validateFormatConfig` found. */
export interface FormatConfigProblem {
  file: string;
  /** The format's name; absent when the file itself is wrong. */
  format?: string;
  /** Where in the file: `formats.NAME.timestamp`, `formats.NAME.fields.GROUP`, `rules[2]`, ... */
  key: string;
  code: string;
  message: string;
}

export interface FormatConfigReport {
  /** Each config file, its formats and how many correlation rules its `rules` section holds. */
  files: { file: string; scope: 'project' | 'user'; formats: string[]; rules: number }[];
  problems: FormatConfigProblem[];
}

/**
 * Checks every config file: its shape here, and each format's pattern, timestamp format and
 * field mapping by the engine (the parser that will read with it), so what validates is what
 * opens; and its correlation rules (`rules`, see `configRules`) by the engine too. Collects
 * every problem rather than stopping at the first (per file, the first bad rule).
 */
export async function validateFormatConfig(options: FormatConfigOptions = {}): Promise<FormatConfigReport> {
  const report: FormatConfigReport = { files: [], problems: [] };
  for (const { file, scope } of formatConfigFiles(options)) {
    const problem = (e: UsageError): FormatConfigProblem => ({ file, key: (e.location ?? '').split('#')[1] ?? '', code: e.code, message: e.message });
    let formats: SavedFormat[];
    try {
      formats = readFormatConfig(file, scope);
    } catch (error) {
      report.files.push({ file, scope, formats: [], rules: 0 });
      report.problems.push(problem(error as UsageError));
      continue;
    }
    let rules = 0;
    try {
      const list = readRulesConfig(file);
      rules = list?.length ?? 0;
      if (list) await checkConfigRules(file, list);
    } catch (error) {
      report.problems.push(problem(error as UsageError));
    }
    report.files.push({ file, scope, formats: formats.map((f) => f.name), rules });
    for (const f of formats) {
      try {
        const inv = await open(`${f.name}.sample`, { data: Buffer.from('\n'), format: customFormatOption(f), cache: false });
        inv.close();
      } catch (error) {
        const e = error as UsageError;
        const sub = e.location === 'timestamp' || e.location?.startsWith('fields.') ? e.location : 'regex';
        report.problems.push({ file, format: f.name, key: `formats.${f.name}.${sub}`, code: e.code, message: `format '${f.name}': ${e.message}` });
      }
    }
  }
  return report;
}
