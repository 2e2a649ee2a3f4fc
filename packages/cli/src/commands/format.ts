import { BUILTIN_FORMATS, open, savedFormats, validateFormatConfig, type FormatConfigReport, type ParseSampleResult } from '@logsift/api';
import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, SOURCE_FLAGS } from '../flags.js';
import { clip, colors, table } from '../render.js';
import type { CommandDef, RenderContext } from '../spec.js';

const ACTIONS = ['list', 'test', 'validate'] as const;

/** Where a format comes from, for `format list`. */
interface FormatRow {
  name: string;
  source: 'built-in' | 'project' | 'user';
  file?: string;
  description?: string;
  regex?: string;
  timestamp?: string;
  fields?: Record<string, string>;
  aliases?: readonly string[];
}

/**
 * `logsift format list|test|validate`: the formats `--format` takes (built-in families and
 * the formats saved in logsift.config.json, api `savedFormats`), how a file's first lines
 * parse with one (api `Investigation.parseSample`), and a check of the config files
 * (api `validateFormatConfig`).
 */
export const formatCommand: CommandDef = {
  name: 'format',
  summary: 'The formats --format takes (built-in and saved in logsift.config.json); test one on a file; validate the config.',
  description:
    'Saved formats live under "formats" in logsift.config.json: the project file (nearest up from the working directory) and the user file ($XDG_CONFIG_HOME/logsift/, else ~/.config/logsift/); a project format overrides a user one. ' +
    'Each is {"regex": "(?P<ts>...) (?P<message>.*)", "timestamp": "%d/%b/%Y:%H:%M:%S %z", "fields": {"ts": "timestamp"}, "description": "..."}; the regex names groups as columns (timestamp, level, message, thread, request, trace, span, parent, service, component, pid) or fields, and "fields" maps other group names to them.',
  args: [
    { name: 'action', description: ACTIONS.join('|'), required: true },
    { name: 'name', description: 'test: format', required: false },
    { name: 'file', description: 'test: log file', required: false },
  ],
  flags: [
    { name: 'lines', type: 'integer', group: 'command', min: 1, valueName: 'n', description: 'test: lines read from the start of the file', default: 20, cliOnly: true },
    ...SOURCE_FLAGS.filter((f) => f.name === 'timezone'),
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift format list', what: 'every format, and where each comes from' },
    { cmd: 'logsift format test myapp app.log', what: 'how the first lines of app.log parse with the saved format myapp, field by field' },
    { cmd: 'logsift format validate', what: 'check the config files (file, format and key of each problem)' },
    { cmd: 'logsift search app.log --format myapp -q timeout', what: 'a saved format, by name, on any command' },
  ],
  use: 'Use to list log formats, test one on a file, or validate saved ones.',
  uses: ['BUILTIN_FORMATS', 'savedFormats', 'validateFormatConfig', 'open', 'Investigation.parseSample'],
  run: async (ctx) => {
    const [action, name, file, ...rest] = ctx.args;
    if (!(ACTIONS as readonly string[]).includes(action ?? '')) throw new CliError('USAGE', `unknown format action '${action ?? ''}'`, `use one of: ${ACTIONS.join(', ')}`);
    if (action === 'test') {
      if (!name || !file || rest.length > 0) throw new CliError('USAGE', 'format test takes a format and one file', 'logsift format test NAME FILE');
      const tz = ctx.options['timezone'];
      const inv = await open(file, { format: name, ...(typeof tz === 'string' ? { timezone: tz } : {}), signal: ctx.signal });
      try {
        const r = await inv.parseSample({ lines: ctx.options['lines'] as number }, { signal: ctx.signal });
        return { data: { name, ...r }, summary: { matched: r.matched, unmatched: r.unmatched }, found: r.matched > 0 };
      } finally {
        inv.close();
      }
    }
    if (name !== undefined) throw new CliError('USAGE', `format ${action} takes no arguments`, `logsift format ${action}`);
    if (action === 'validate') {
      const report = await validateFormatConfig();
      if (report.problems.length > 0) {
        const first = report.problems[0]!;
        throw new CliError(
          'INVALID_CONFIG',
          report.problems.map((p) => `${p.file}: ${p.key}: ${p.message.replace(`${p.file}: `, '')}`).join('; '),
          'fix the key named; `logsift format validate` again',
          `${first.file}#${first.key}`,
        );
      }
      const formats = report.files.reduce((n, f) => n + f.formats.length, 0);
      const rules = report.files.reduce((n, f) => n + f.rules, 0);
      return { data: report, summary: { files: report.files.length, formats, rules }, found: report.files.length > 0 };
    }
    const rows: FormatRow[] = [
      ...BUILTIN_FORMATS.map((b) => ({ name: b.name, source: 'built-in' as const, description: b.description, ...(b.aliases.length ? { aliases: b.aliases } : {}) })),
      { name: 'regex:<pattern>', source: 'built-in', description: 'a regex with named groups, given inline' },
      ...savedFormats().map((f) => ({
        name: f.name,
        source: f.scope,
        file: f.file,
        regex: f.regex,
        ...(f.description ? { description: f.description } : {}),
        ...(f.timestamp ? { timestamp: f.timestamp } : {}),
        ...(f.fields ? { fields: f.fields } : {}),
      })),
    ];
    return { data: { formats: rows }, summary: { formats: rows.length, saved: rows.filter((r) => r.source !== 'built-in').length }, found: true };
  },
  text: (raw, ctx) => renderFormat(raw, ctx),
};

function renderFormat(raw: unknown, ctx: RenderContext): string {
  const c = colors(ctx);
  const d = raw as { formats?: FormatRow[]; files?: FormatConfigReport['files'] } & Partial<ParseSampleResult> & { name?: string };
  if (d.formats) {
    return table(['format', 'from', 'what'], d.formats.map((f) => [f.name, f.file ? `${f.source} ${f.file}` : f.source, f.description ?? f.regex ?? '']), ctx);
  }
  if (d.files) {
    if (d.files.length === 0) return c.dim('no logsift.config.json found (project: up from here; user: ~/.config/logsift/)');
    return d.files.map((f) => `${c.bold('ok')} ${f.scope} ${f.file}: ${f.formats.length ? f.formats.join(', ') : c.dim('no formats')}${f.rules ? `; ${f.rules} correlation rule${f.rules === 1 ? '' : 's'}` : ''}`).join('\n');
  }
  const out: string[] = [c.bold(`${d.path ?? ''} with ${d.name ?? ''} (${d.format ?? ''}): ${d.matched ?? 0} matched, ${d.unmatched ?? 0} unmatched`)];
  for (const l of d.lines ?? []) {
    out.push(`${c.dim(String(l.line).padStart(5))} ${l.matched ? c.green('✓') : c.red('✗')} ${clip(l.text, ctx.width - 8)}`);
    if (!l.matched) continue;
    const cols: [string, string][] = [
      ['time', l.time ?? c.yellow('(none read)')],
      ...(l.level ? [['level', l.level] as [string, string]] : []),
      ...Object.entries(l.ids ?? {}),
      ...Object.entries(l.fields ?? {})
        .filter(([k]) => !['time', 'timestamp', 'level', 'message'].includes(k) && !(l.ids && k in l.ids))
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]),
      ['message', l.message ?? ''],
    ];
    for (const [k, v] of cols) out.push(`        ${c.dim(k.padEnd(10))} ${clip(v, ctx.width - 20)}`);
  }
  return out.join('\n');
}
