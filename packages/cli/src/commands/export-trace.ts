import { writeFile } from 'node:fs/promises';
import type { ExportTraceResult, TraceFormat } from '@logsift/api';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG, TREE_ID_FLAGS, kindOption, outFlag } from '../flags.js';
import { colors, keyValues } from '../render.js';
import { toScope } from '../query.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import type { CommandDef } from '../spec.js';

/** One trace's spans for a tracing UI. `--to`, not `--format`: that is the log format of every source. */
export const exportTraceCommand: CommandDef = {
  name: 'export-trace',
  summary: 'The spans of one trace or request as OTLP/JSON, Jaeger JSON or Zipkin v2 JSON (from its hierarchy).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    ...TREE_ID_FLAGS,
    RULES_FLAG,
    { name: 'to', type: 'string', group: 'command', choices: ['otlp', 'jaeger', 'zipkin'], required: true, description: 'format' },
    { name: 'max-events', type: 'integer', group: 'command', cliOnly: true, min: 0, valueName: 'n', default: 100, description: 'records per span' },
    outFlag('file.json', 'file to write'),
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift export-trace logs/ --id 4bf92f3577b34da6a3ce929d0e0e4736 --to jaeger -o trace.json', what: 'then open trace.json in the Jaeger UI' },
    { cmd: 'logsift export-trace logs/ --id req-42 --to otlp -o trace.json', what: "POST it to a collector's /v1/traces" },
  ],
  writesFile: true,
  use: 'Use to open one trace in Jaeger, Zipkin or an OTLP tool.',
  uses: ['open', 'Investigation.exportTrace'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.exportTrace(
      String(o['id']),
      { format: String(o['to']) as TraceFormat, ...kindOption(o), ...(typeof o['maxEvents'] === 'number' ? { maxEvents: o['maxEvents'] } : {}), ...(await rulesOption(o)), ...toScope(o) },
      { signal: ctx.signal },
    );
    const summary = { traceId: result.traceId, format: result.format, spans: result.spanCount, services: result.services, errorSpans: result.errorSpans };
    const out = o['out'];
    if (typeof out !== 'string') return { data: result, summary, found: result.spanCount > 0 };
    const json = JSON.stringify(result.document);
    await writeFile(out, json);
    const { document: _, ...rest } = result;
    return { data: { ...rest, out, bytes: Buffer.byteLength(json) }, summary: { ...summary, out }, found: result.spanCount > 0 };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<ExportTraceResult> & { out?: string; bytes?: number };
    const c = colors(ctx);
    return keyValues(
      [
        ['trace', `${r.traceId ?? '?'} (${r.id ?? '?'}, ${r.kind ?? '?'})`],
        ['format', r.format ?? '?'],
        ['spans', `${r.spanCount ?? 0}${r.errorSpans ? c.red(`, ${r.errorSpans} with errors`) : ''}`],
        ['services', (r.services ?? []).join(', ') || '-'],
        ['events', r.droppedEvents ? `${r.droppedEvents} records over --max-events left out` : 'every record attached'],
        ['written', r.out ? `${r.out} (${r.bytes ?? 0} bytes)` : c.dim('nothing: -o FILE writes the document (--json prints it)')],
      ],
      ctx,
    );
  },
};
