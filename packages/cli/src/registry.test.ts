import { describe, expect, it } from 'vitest';
import { inputSchema } from './describe.js';
import { allCommands } from './registry.js';
import { optionKey } from './spec.js';

describe('command definitions', () => {
  it.each(allCommands().map((d) => [d.name, d] as const))('%s: unique flags, summary, examples, a valid schema', (_, def) => {
    const names = def.flags.map((f) => f.name);
    const shorts = def.flags.flatMap((f) => (f.short ? [f.short] : []));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(shorts).size).toBe(shorts.length);
    expect(new Set(def.flags.map(optionKey)).size).toBe(names.length);
    expect(def.summary.length).toBeGreaterThan(10);
    expect(def.examples.length).toBeGreaterThan(0);
    expect(inputSchema(def)).toMatchObject({ type: 'object', additionalProperties: false });
  });
});
