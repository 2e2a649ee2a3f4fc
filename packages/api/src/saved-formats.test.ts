import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './generate.js';
import { open } from './open.js';
import { BUILTIN_FORMATS, CONFIG_FILE, readFormatConfig, resolveFormat, savedFormats } from './saved-formats.js';
import { validateFormatConfig } from './validate-formats.js';
import { LogsiftError } from './errors.js';

const corpus = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'loghub');
const scratch = mkdtempSync(join(tmpdir(), 'logsift-formats-'));
const noUser = join(scratch, 'no-user-config');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project directory with a config file holding these formats. */
function project(name: string, formats: unknown): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ formats }));
  return dir;
}

/** Every entry's timestamp, opened with a saved format resolved from `cwd`'s config. */
async function timestamps(file: string, format: string, cwd: string): Promise<{ ts: (number | undefined)[]; levels: string[]; messages: string[] }> {
  const inv = await open(file, { format: resolveFormat(format, { cwd, userConfigDir: noUser }), cache: false });
  try {
    const r = await inv.search({ limit: 100_000, order: 'file' });
    return { ts: r.entries.map((e) => e.timestampNs), levels: r.entries.map((e) => e.level), messages: r.entries.map((e) => e.message) };
  } finally {
    inv.close();
  }
}

/** The structured CSV of a loghub sample (simple CSV: quoted fields may hold commas). */
function csv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const split = (l: string): string[] => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, -1);
  const keys = split(head!);
  return rows.map((r) => Object.fromEntries(split(r).map((v, i) => [keys[i], v])));
}

const hasCorpus = existsSync(join(corpus, 'HDFS', 'HDFS_2k.log'));

describe.runIf(hasCorpus)('saved formats on corpus logs, timestamps checked against the structured CSV', () => {
  it('HDFS: %y%m%d %H%M%S with groups mapped to columns', async () => {
    const dir = project('hdfs', {
      hdfs: {
        regex: '^(?P<ts>\\d{6} \\d{6}) (?P<pid>\\d+) (?P<sev>\\w+) (?P<class>[^:]+): (?P<msg>.*)$',
        timestamp: '%y%m%d %H%M%S',
        fields: { ts: 'timestamp', sev: 'level', msg: 'message', class: 'component' },
      },
    });
    const truth = csv(join(corpus, 'HDFS', 'HDFS_2k.log_structured.csv'));
    const got = await timestamps(join(corpus, 'HDFS', 'HDFS_2k.log'), 'hdfs', dir);
    expect(got.ts.length).toBe(truth.length);
    const want = truth.map((r) => {
      const [d, t] = [r['Date']!.padStart(6, '0'), r['Time']!.padStart(6, '0')];
      return Date.UTC(2000 + Number(d.slice(0, 2)), Number(d.slice(2, 4)) - 1, Number(d.slice(4, 6)), Number(t.slice(0, 2)), Number(t.slice(2, 4)), Number(t.slice(4, 6))) * 1e6;
    });
    expect(got.ts).toEqual(want);
    expect(got.levels).toEqual(truth.map((r) => r['Level']));
    expect(got.messages).toEqual(truth.map((r) => r['Content']));
  });

  it('Apache: %a %b %d %H:%M:%S %Y in brackets', async () => {
    const dir = project('apache', {
      apache: { regex: '^\\[(?P<timestamp>[^\\]]+)\\] \\[(?P<level>\\w+)\\] (?P<message>.*)$', timestamp: '%a %b %d %H:%M:%S %Y' },
    });
    const truth = csv(join(corpus, 'Apache', 'Apache_2k.log_structured.csv'));
    const got = await timestamps(join(corpus, 'Apache', 'Apache_2k.log'), 'apache', dir);
    expect(got.ts).toEqual(truth.map((r) => Date.parse(`${r['Time']!.slice(4)} UTC`) * 1e6));
    expect(got.ts.every((t) => typeof t === "number")).toBe(true);
  });
});

describe('saved formats on generated logs written in a custom layout', () => {
  it('reads every timestamp exactly, zone and milliseconds included', async () => {
    // Stack traces follow some records as continuation lines: they are written as they are.
    const raw = generate({ entries: 3000, format: 'json' }).trim().split('\n');
    const lines = raw.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { time: string; level: string; service: string; msg: string });
    expect(raw.length).toBeGreaterThan(lines.length);
    // Written as a local time at +05:30, Apache style with milliseconds: 15/Jan/2024:13:30:00.123 +0530.
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const stamp = (iso: string): string => {
      const d = new Date(Date.parse(iso) + 330 * 60_000);
      return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} +0530`;
    };
    const file = join(scratch, 'custom-layout.log');
    const layout = (l: string): string => {
      if (!l.startsWith('{')) return `${l}\n`;
      const j = JSON.parse(l) as { time: string; level: string; service: string; msg: string };
      return `${stamp(j.time)} ${j.level.toUpperCase().padEnd(5)} <${j.service}> ${j.msg}\n`;
    };
    writeFileSync(file, raw.map(layout).join(''));
    const dir = project('generated', {
      gen: {
        regex: '^(?P<when>\\S+ [+-]\\d{4}) (?P<level>\\w+) +<(?P<svc>[^>]+)> (?P<message>.*)$',
        timestamp: '%d/%b/%Y:%H:%M:%S.%f %z',
        fields: { when: 'timestamp', svc: 'service' },
      },
    });
    const got = await timestamps(file, 'gen', dir);
    expect(got.ts).toEqual(lines.map((l) => Date.parse(l.time) * 1e6));
    expect(got.levels).toEqual(lines.map((l) => l.level.toUpperCase()));
    const inv = await open(file, { format: resolveFormat('gen', { cwd: dir, userConfigDir: noUser }), cache: false });
    try {
      const services = (await inv.count({ aggregate: ['service'] })).aggregations?.service ?? [];
      const want = new Map<string, number>();
      for (const l of lines) want.set(l.service, (want.get(l.service) ?? 0) + 1);
      expect(new Map(services)).toEqual(want);
    } finally {
      inv.close();
    }
  });
});

describe('config files', () => {
  it('the project file is found up from a subdirectory and overrides the user file', () => {
    const user = join(scratch, 'user-cfg');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, CONFIG_FILE), JSON.stringify({ formats: { a: { regex: '(?P<message>user)' }, onlyUser: { regex: '(?P<message>.*)' } } }));
    const dir = project('nested', { a: { regex: '(?P<message>project)' } });
    const sub = join(dir, 'x', 'y');
    mkdirSync(sub, { recursive: true });
    const formats = savedFormats({ cwd: sub, userConfigDir: user });
    expect(formats.map((f) => [f.name, f.scope, f.regex])).toEqual([
      ['a', 'project', '(?P<message>project)'],
      ['onlyUser', 'user', '(?P<message>.*)'],
    ]);
    expect(resolveFormat('a', { cwd: sub, userConfigDir: user })).toBe('custom:{"regex":"(?P<message>project)"}');
    expect(resolveFormat('json', { cwd: sub, userConfigDir: user })).toBe('json');
    expect(resolveFormat('regex:(?P<message>.*)', { cwd: sub, userConfigDir: user })).toBe('regex:(?P<message>.*)');
  });

  it('a malformed file is INVALID_CONFIG naming the file, the format and the key', () => {
    const cases: [unknown, string][] = [
      [{ x: { regex: '(?P<message>.*)', stamp: '%F' } }, 'formats.x.stamp'],
      [{ x: { timestamp: '%F %T' } }, 'formats.x.regex'],
      [{ x: { regex: '(?P<message>.*)', fields: { a: 1 } } }, 'formats.x.fields'],
      [{ json: { regex: '(?P<message>.*)' } }, 'formats.json'],
      [{ 'bad name': { regex: '(?P<message>.*)' } }, 'formats.bad name'],
    ];
    for (const [formats, key] of cases) {
      const file = join(project('malformed', formats), CONFIG_FILE);
      let error: unknown;
      try {
        readFormatConfig(file, 'project');
      } catch (e) {
        error = e;
      }
      expect(LogsiftError.isInstance(error) && error.code).toBe('INVALID_CONFIG');
      expect((error as LogsiftError).location).toBe(`${file}#${key}`);
      expect((error as LogsiftError).message).toContain(file);
    }
    const file = join(scratch, 'not-json', CONFIG_FILE);
    mkdirSync(join(scratch, 'not-json'), { recursive: true });
    writeFileSync(file, '{ "formats": ');
    expect(() => readFormatConfig(file, 'user')).toThrow(/not valid JSON/);
  });

  it('validate lets the engine check each pattern, timestamp format and mapping, and lists every problem', async () => {
    const dir = project('validate', {
      good: { regex: '^(?P<ts>\\S+) (?P<message>.*)$', timestamp: '%FT%T%z', fields: { ts: 'timestamp' } },
      badRegex: { regex: '(?P<message>.*' },
      badStamp: { regex: '^(?P<timestamp>\\S+) (?P<message>.*)$', timestamp: '%Y-%m-%d %Q' },
      badField: { regex: '(?P<message>.*)', fields: { nope: 'level' } },
      noMessage: { regex: '(?P<msg>.*)' },
    });
    const r = await validateFormatConfig({ cwd: dir, userConfigDir: noUser });
    expect(r.files).toEqual([{ file: join(dir, CONFIG_FILE), scope: 'project', formats: ['good', 'badRegex', 'badStamp', 'badField', 'noMessage'], rules: 0 }]);
    expect(r.problems.map((p) => [p.format, p.key, p.code])).toEqual([
      ['badRegex', 'formats.badRegex.regex', 'INVALID_REGEX'],
      ['badStamp', 'formats.badStamp.timestamp', 'INVALID_OPTION'],
      ['badField', 'formats.badField.fields.nope', 'INVALID_OPTION'],
      ['noMessage', 'formats.noMessage.regex', 'INVALID_OPTION'],
    ]);
    expect(r.problems[1]!.message).toContain('%Q');
  });

  it('the built-in list is the engine list', async () => {
    let message = '';
    try {
      await open('x.log', { data: Buffer.from('a\n'), format: 'no-such-format' });
    } catch (e) {
      message = (e as Error).message;
    }
    const known = /known: (.*?), regex:/.exec(message)?.[1]?.split(', ');
    expect(known?.sort()).toEqual(BUILTIN_FORMATS.flatMap((b) => [b.name, ...b.aliases]).sort());
  });
});
