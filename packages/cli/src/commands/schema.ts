import type { FileSchema } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Per file: format, ids present, and the parsed fields (types, share, examples) of a sample. */
export const schemaCommand: CommandDef = {
  name: 'schema',
  summary: 'Per file: format, ids present, and the parsed fields with types, share and examples (from an even sample).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'sample', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 500, description: 'records read per file' },
    { name: 'examples', type: 'integer', group: 'command', min: 0, valueName: 'n', default: 3, description: 'examples per field' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift schema app.jsonl', what: 'which fields the JSON logs carry, to write --where conditions' },
    { cmd: 'logsift schema logs/ --sample 5000', what: 'a larger sample' },
  ],
  use: 'Use before a field condition (status>=500): parsed fields, types, examples.',
  uses: ['open', 'Investigation.schema'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const files = await inv.schema({ sample: Number(ctx.options['sample']), examples: Number(ctx.options['examples']) }, { signal: ctx.signal });
    const names = new Set(files.flatMap((f) => f.fields.map((x) => x.name)));
    return {
      data: { files },
      summary: { files: files.length, fields: names.size, sampled: files.reduce((n, f) => n + f.sampled, 0) },
      found: files.some((f) => f.entries > 0),
    };
  },
  text: (raw, ctx) => {
    const files = (raw as { files?: FileSchema[] }).files ?? [];
    const c = colors(ctx);
    const out: string[] = [];
    for (const f of files) {
      out.push(c.bold(f.path), c.dim(`${f.format} (${Math.round(f.confidence * 100)}%), ${formatCount(f.entries)} entries, ${formatCount(f.sampled)} sampled`));
      out.push(`layout: ${f.layout.summary}`);
      if (f.layout.note) out.push(c.yellow(`note: ${f.layout.note}`));
      if (f.ids.length > 0) out.push(`ids: ${f.ids.map((i) => `${i.kind} ${c.dim(`(${formatCount(i.distinct)} distinct)`)}`).join(', ')}`);
      if (f.fields.length > 0) {
        out.push(
          table(
            ['field', 'types', 'share', 'examples'],
            f.fields.map((x) => [x.name, x.types.join('|'), `${Math.round(x.share * 100)}%`, x.examples.map((v) => JSON.stringify(v)).join(', ').slice(0, 60)]),
            ctx,
          ),
        );
      } else {
        out.push(c.dim('no parsed fields beyond time, level and message'));
      }
      out.push('');
    }
    return out.join('\n').trimEnd();
  },
};
