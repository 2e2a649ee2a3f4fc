import { describe, expect, it } from 'vitest';
import { inputSchema } from './describe.js';
import { COMPACT_KEYS } from './project.js';
import { allCommands } from './registry.js';
import { optionKey } from './spec.js';
import { logsift } from './test-support.js';

interface Described {
  commands: {
    name: string;
    arguments: { name: string }[];
    flags: { flag: string; key: string; type: string; default?: unknown; description: string }[];
    examples: unknown[];
    inputSchema: { properties: Record<string, { type: string; default?: unknown }>; required: string[] };
  }[];
  compactKeys: Record<string, string>;
  exitCodes: Record<string, string>;
}

describe('logsift commands --json', () => {
  const r = logsift(['commands', '--json']);
  const d = r.json['data'] as Described;

  it('describes every wired command from the definitions that parse them', () => {
    expect(r.code).toBe(0);
    expect(d.commands.map((c) => c.name)).toEqual(allCommands().map((c) => c.name));
    for (const def of allCommands()) {
      const c = d.commands.find((x) => x.name === def.name);
      expect(c?.flags.map((f) => f.key)).toEqual(def.flags.map(optionKey));
      expect(c?.examples.length, def.name).toBeGreaterThan(0);
    }
  });

  it('gives types and defaults', () => {
    const schema = d.commands.find((c) => c.name === 'schema');
    expect(schema?.flags.find((f) => f.flag === '--sample')).toMatchObject({ type: 'integer', default: 500, key: 'sample' });
    expect(schema?.flags.find((f) => f.flag === '--max-bytes')).toMatchObject({ type: 'integer', key: 'maxBytes' });
    expect(schema?.flags.find((f) => f.flag === '--fields')).toMatchObject({ type: 'list' });
    expect(schema?.arguments.map((a) => a.name)).toEqual(['sources']);
    expect(schema?.inputSchema.properties['sample']).toMatchObject({ type: 'integer', default: 500 });
    expect(schema?.inputSchema.required ?? []).not.toContain('sources');
    expect(schema?.inputSchema.properties['db']).toMatchObject({ type: 'string' });
  });

  it('gives the compact key mapping and the exit codes', () => {
    expect(d.compactKeys).toEqual(COMPACT_KEYS);
    expect(d.exitCodes).toEqual({ 0: 'found', 1: 'nothing found', 2: 'bad usage or input', 3: 'internal or I/O failure' });
  });

  it('leaves terminal-only flags out of tool schemas', () => {
    const props = inputSchema(allCommands()[0]!).properties as Record<string, unknown>;
    expect(Object.keys(props)).toContain('maxBytes');
    expect(Object.keys(props)).not.toContain('pretty');
    expect(Object.keys(props)).not.toContain('color');
  });
});
