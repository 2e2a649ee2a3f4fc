import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, logsift, tempFiles } from './test-support.js';

/** A project with a saved format, and a log written in its layout (times at -07:00). */
const lines = [
  '[10/Oct/2000:13:55:36 -0700] ERROR alice: disk full',
  '[10/Oct/2000:13:55:37 -0700] WARN bob: retrying',
  '    at a continuation line',
  '[10/Oct/2000:13:56:00 -0700] INFO carol: recovered',
];
const project = tempFiles({
  'app.log': `${lines.join('\n')}\n`,
  'logsift.config.json': JSON.stringify({
    formats: {
      clfapp: {
        regex: '^\\[(?P<ts>[^\\]]+)\\] (?P<sev>\\w+) (?P<user>\\w+): (?P<message>.*)$',
        timestamp: '%d/%b/%Y:%H:%M:%S %z',
        fields: { ts: 'timestamp', sev: 'level', user: 'user.name' },
        description: 'the app log',
      },
    },
  }),
});
afterAll(() => project.remove());
// No user config from the machine running the tests.
const env = { XDG_CONFIG_HOME: join(project.dir, 'no-user-config') };
const run = (args: string[], cwd = project.dir) => logsift(args, { env, cwd });
const data = (r: { json: Record<string, unknown> }) => r.json['data'] as Record<string, unknown>;

describe('logsift format', () => {
  it('list: built-in families and saved formats, with where each comes from', () => {
    const r = run(['format', 'list']);
    expect(r.code).toBe(0);
    const formats = data(r)['formats'] as { name: string; source: string; file?: string }[];
    expect(formats.filter((f) => f.source === 'built-in').map((f) => f.name)).toEqual(expect.arrayContaining(['json', 'logfmt', 'access', 'regex:<pattern>']));
    expect(formats.find((f) => f.name === 'clfapp')).toMatchObject({ source: 'project', file: join(project.dir, 'logsift.config.json'), timestamp: '%d/%b/%Y:%H:%M:%S %z' });
  });

  it('test: each line matched or not, and every column and field read', () => {
    const r = run(['format', 'test', 'clfapp', 'app.log']);
    expect(r.code, r.stdout).toBe(0);
    expect(data(r)).toMatchObject({ format: 'custom', matched: 3, unmatched: 1 });
    const parsed = data(r)['lines'] as { line: number; matched: boolean; time?: string; level?: string; message?: string; fields?: Record<string, unknown> }[];
    expect(parsed.map((l) => [l.line, l.matched, l.time, l.level, l.message])).toEqual([
      [1, true, '2000-10-10T20:55:36.000Z', 'ERROR', 'disk full'],
      [2, true, '2000-10-10T20:55:37.000Z', 'WARN', 'retrying'],
      [3, false, undefined, undefined, undefined],
      [4, true, '2000-10-10T20:56:00.000Z', 'INFO', 'recovered'],
    ]);
    expect(parsed[0]!.fields).toMatchObject({ 'user.name': 'alice' });
    const text = logsift(['format', 'test', 'clfapp', 'app.log', '--text', '--no-color'], { env, cwd: project.dir }).stdout;
    expect(text).toContain('3 matched, 1 unmatched');
    expect(text).toMatch(/user\.name\s+alice/);
  });

  it('a saved name works wherever --format does, from a subdirectory too', () => {
    const sub = join(project.dir, 'deep', 'er');
    mkdirSync(sub, { recursive: true });
    const r = run(['search', join(project.dir, 'app.log'), '--format', 'clfapp', '-q', 'level>=warn', '--order', 'file'], sub);
    expect(r.code, r.stdout).toBe(0);
    const entries = data(r)['entries'] as { time: string; message: string }[];
    expect(entries.map((e) => [e.time, e.message])).toEqual([
      ['2000-10-10T20:55:36.000Z', 'disk full'],
      ['2000-10-10T20:55:37.000Z', 'retrying'],
    ]);
    const unknown = run(['search', 'app.log', '--format', 'nope']);
    expect(unknown.code).toBe(2);
    expect((unknown.json['error'] as { message: string }).message).toContain('logsift.config.json');
  });

  it('validate: ok, or INVALID_CONFIG naming the file, the format and the key', () => {
    const ok = run(['format', 'validate']);
    expect(ok.code).toBe(0);
    expect(data(ok)).toMatchObject({ problems: [], files: [{ scope: 'project', formats: ['clfapp'] }] });
    const bad = tempFiles({ 'logsift.config.json': JSON.stringify({ formats: { broken: { regex: '^(?P<timestamp>\\S+) (?P<message>.*)$', timestamp: '%Y-%m-%d %H:%M:%Q' } } }) });
    try {
      const r = run(['format', 'validate'], bad.dir);
      expect(r.code).toBe(2);
      const err = r.json['error'] as { code: string; message: string; location: string };
      expect(err.code).toBe('INVALID_CONFIG');
      expect(err.location).toBe(`${join(bad.dir, 'logsift.config.json')}#formats.broken.timestamp`);
      expect(err.message).toContain("format 'broken'");
      expect(err.message).toContain('%Q');
      // The same bad format refuses to open anywhere it is named.
      writeFileSync(join(bad.dir, 'x.log'), 'a b\n');
      expect((run(['stats', 'x.log', '--format', 'broken'], bad.dir).json['error'] as { code: string }).code).toBe('INVALID_OPTION');
    } finally {
      bad.remove();
    }
  });

  it('is an MCP tool', async () => {
    const client = new Client({ name: 'logsift-test', version: '0.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], cwd: project.dir, env: { ...process.env, ...env } as Record<string, string>, stderr: 'pipe' }));
    try {
      const r = (await client.callTool({ name: 'format', arguments: { action: 'test', name: 'clfapp', file: 'app.log' } })).structuredContent as Record<string, unknown>;
      expect(r).toMatchObject({ ok: true, data: { matched: 3, unmatched: 1 } });
      const s = (await client.callTool({ name: 'search', arguments: { sources: ['app.log'], format: 'clfapp', query: 'user.name=alice' } })).structuredContent as Record<string, unknown>;
      expect(s, JSON.stringify(s).slice(0, 600)).toMatchObject({ ok: true, data: { totalMatches: 1 } });
    } finally {
      await client.close();
    }
  }, 60_000);
});
