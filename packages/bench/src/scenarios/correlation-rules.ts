import type { CorrelationRule } from '@logsift/api';
import { prepared, SkipScenario, type Scenario } from '../scenario.js';

/**
 * Correlation rules on the generated JSON: `span_id` = `parent_span_id` joins every span to its
 * children, so the virtual traces are the span trees (one pass parsing the fields of every
 * record; the generator writes both ids on each record).
 */
function spanTree(name: string): CorrelationRule[] {
  return [{ type: 'field_match', fields: ['span_id', 'parent_span_id'], name }];
}

export const correlationRuleScenarios: Scenario[] = [
  {
    name: 'investigate.rules-compute',
    suite: 'investigate',
    title: 'correlation rules computed: field_match span_id = parent_span_id over every record (a rule set new to the session each run)',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      let n = 0;
      return prepared<unknown>({
        // A rule name new each run: the session caches the virtual traces per rule set.
        run: () => inv.ids({ kind: 'virtual', limit: 10, rules: spanTree(`tree${n++}`) }),
        inputs: { op: 'ids', rules: spanTree('treeN') },
        describe: (r) => ({ virtualIds: (r as { kinds: { total: number }[] }).kinds[0]?.total }),
        units: { entries: ctx.data.files.json.entries, bytes: ctx.data.files.json.bytes },
      });
    },
  },
  {
    name: 'investigate.rules-follow',
    suite: 'investigate',
    title: 'follow the largest virtual trace of the span-tree rules (rules already computed by the session)',
    target: '< 5 ms (1M)',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const rules = spanTree('tree');
      const top = (await inv.ids({ kind: 'virtual', limit: 1, rules })).kinds[0]?.ids[0];
      if (!top) throw new SkipScenario('no virtual trace in the generated data');
      return prepared<unknown>({
        run: () => inv.follow(top.id, { rules }),
        inputs: { op: 'follow', id: top.id, rules },
        describe: (r) => ({ total: (r as { total: number }).total }),
      });
    },
  },
];
