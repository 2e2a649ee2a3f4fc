import { describe, expect, it } from 'vitest';
import { logsift } from './test-support.js';

/**
 * One surface: the rules every command keeps, checked on what `logsift commands --json`
 * says (the description agents read), so a new command cannot break them unnoticed.
 */
interface Flag {
  flag: string;
  short?: string;
  key: string;
  type: string;
  group: string;
  description: string;
  default?: unknown;
}

interface Command {
  name: string;
  arguments: { name: string; variadic?: boolean; required?: boolean }[];
  flags: Flag[];
  output: string;
  writesFile?: boolean;
}

/**
 * The commands that take no sources: they describe and serve the others (commands, mcp), manage
 * the cache, or take an action first — a session keeps its sources, `format test` reads one file.
 */
const NO_SOURCES = new Set(['commands', 'mcp', 'cache', 'session', 'format']);
const OUTPUT = ['--json', '--text', '--pretty', '--no-color', '--max-bytes', '--fields', '--compact'];

const described = logsift(['commands', '--json']);
const commands = (described.json['data'] as { commands: Command[] }).commands;
const byGroup = (c: Command, group: string): Flag[] => c.flags.filter((f) => f.group === group);
const names = (flags: Flag[]): string[] => flags.map((f) => f.flag);

describe('one surface for every command', () => {
  it('has commands to check', () => {
    expect(described.code).toBe(0);
    expect(commands.length).toBeGreaterThan(20);
  });

  it.each(commands.map((c) => [c.name, c] as const))('%s takes --json and --text', (_, c) => {
    for (const flag of ['--json', '--text']) expect(c.flags.find((f) => f.flag === flag), flag).toMatchObject({ type: 'boolean' });
  });

  const reference = byGroup(commands.find((c) => c.name === 'stats')!, 'source');
  it.each(commands.filter((c) => !NO_SOURCES.has(c.name)).map((c) => [c.name, c] as const))('%s reads its sources like every other command', (_, c) => {
    expect(c.arguments).toEqual([expect.objectContaining({ name: 'sources', variadic: true, required: false })]);
    // The same flags, defined once: name, type, description and default alike.
    expect(byGroup(c, 'source')).toEqual(reference);
  });

  it('the source flags are the files alternatives and their options', () => {
    expect(names(reference)).toEqual(expect.arrayContaining(['--db', '--db-mapping', '--format', '--timezone', '--include']));
  });

  it.each(commands.map((c) => [c.name, c] as const))('%s writes a file only through -o/--out', (_, c) => {
    const out = c.flags.find((f) => f.flag === '--out');
    if (c.writesFile) expect(out, 'a command writing a file takes --out').toMatchObject({ short: '-o', type: 'string' });
    else expect(out, 'only a command declared writesFile takes --out').toBeUndefined();
    expect(c.flags.filter((f) => f.short === '-o' && f.flag !== '--out')).toEqual([]);
    expect(c.flags.filter((f) => /^--(output|out-file|dest|write)/.test(f.flag))).toEqual([]);
  });

  it.each(commands.filter((c) => c.output === 'envelope').map((c) => [c.name, c] as const))('%s prints the envelope with every output flag', (_, c) => {
    expect(names(byGroup(c, 'output'))).toEqual(expect.arrayContaining(OUTPUT));
  });

  it('a command taking query flags takes all of them', () => {
    const sets = commands.map((c) => names(byGroup(c, 'query'))).filter((s) => s.length > 0);
    expect(sets.length).toBeGreaterThan(10);
    for (const s of sets) expect(s).toEqual(sets[0]);
  });

  it('a flag name means one type and one short form everywhere', () => {
    const seen = new Map<string, { type: string; short?: string; where: string }>();
    for (const c of commands) {
      for (const f of c.flags) {
        const first = seen.get(f.flag);
        if (!first) seen.set(f.flag, { type: f.type, ...(f.short ? { short: f.short } : {}), where: c.name });
        else expect({ type: f.type, short: f.short }, `${c.name} ${f.flag} vs ${first.where}`).toEqual({ type: first.type, short: first.short });
      }
    }
  });
});
