import { afterAll, describe, expect, it } from 'vitest';
import { logsift, sample, tempFiles } from './test-support.js';

const tmp = tempFiles({
  'empty.log': '',
  'app.jsonl': [
    '{"ts":"2024-05-01T10:00:00Z","level":"info","msg":"started","service":"api","user":{"id":42}}',
    '{"ts":"2024-05-01T10:00:01Z","level":"error","msg":"boom","service":"api","status":500}',
  ].join('\n'),
});
afterAll(() => tmp.remove());

describe('envelope and exit codes', () => {
  it('prints one JSON envelope with keys in the documented order when piped', () => {
    const r = logsift(['stats', sample]);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['ok', 'command', 'inputs', 'data', 'summary', 'truncated', 'elapsedMs']);
    expect(r.json).toMatchObject({ ok: true, command: 'stats', inputs: { args: [sample] }, truncated: false, summary: { files: 1, entries: 2000 } });
    const data = r.json['data'] as { entries: number; files: { format: string }[]; skipped: unknown[] };
    expect(data.entries).toBe(2000);
    expect(data.files[0]?.format).toBe('text');
    expect(data.skipped).toEqual([]);
    expect(typeof r.json['elapsedMs']).toBe('number');
  });

  it('indents with --pretty', () => {
    const r = logsift(['stats', sample, '--pretty']);
    expect(r.stdout.startsWith('{\n  "ok": true')).toBe(true);
  });

  it('reports a missing file as a JSON error with exit code 2', () => {
    const r = logsift(['stats', '/nonexistent/file.log']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, command: 'stats', error: { code: 'ENOENT', hint: expect.any(String) } });
    expect(r.json['data']).toBeUndefined();
  });

  it('exits 1 when nothing is found (an empty file)', () => {
    const r = logsift(['stats', `${tmp.dir}/empty.log`]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: true, summary: { entries: 0 } });
  });

  it.each([
    [['stats', sample, '--bogus'], "unknown option '--bogus'"],
    [['nope', sample], "unknown command 'nope'"],
    [['stats'], 'no log sources given'],
    [['schema', sample, '--sample', 'ten'], 'not an integer'],
    [['schema', sample, '--sample', '0'], 'must be at least 1'],
    [['stats', sample, '--max-bytes', '10'], 'must be at least 256'],
    [['export', sample], "required option '-o, --out <file.sqlite|dir>' not specified"],
  ])('bad usage %j is a USAGE error with exit code 2', (args, message) => {
    const r = logsift(args);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'USAGE', hint: expect.stringContaining('--help') } });
    expect((r.json['error'] as { message: string }).message).toContain(message);
  });

  it('rejects an unknown --fields name with the valid ones in the hint', () => {
    const r = logsift(['stats', sample, '--fields', 'id,bogus']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'USAGE', location: '--fields', hint: expect.stringContaining('message') } });
  });

  it('rejects an unknown forced format as bad input', () => {
    const r = logsift(['stats', sample, '--format', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
  });

  it('reads stdin for -', () => {
    const r = logsift(['stats', '-'], { input: '2024-05-01 10:00:00 ERROR boom\n2024-05-01 10:00:01 INFO ok\n' });
    expect(r.code).toBe(0);
    const data = r.json['data'] as { entries: number; files: { path: string }[] };
    expect(data.entries).toBe(2);
    expect(data.files[0]?.path).toBe('<stdin>');
  });

  it('rejects stdin mixed with paths', () => {
    const r = logsift(['stats', '-', sample]);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', location: '-' } });
  });

  it('text mode: a table, no colour without a terminal, errors on stderr', () => {
    const r = logsift(['stats', sample, '--text']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/file\s+format\s+size\s+entries/);
    expect(r.stdout).toMatch(/levels\s+FATAL 2\s+ERROR 150\s+WARN 808\s+INFO 1,040/);
    expect(r.stdout).not.toContain('\u001b[');
    const e = logsift(['stats', '/nonexistent.log', '--text']);
    expect(e.code).toBe(2);
    expect(e.stdout).toBe('');
    expect(e.stderr).toMatch(/error ENOENT: .*\nhint: /);
  });

  it('colour when forced, none with NO_COLOR or --no-color', () => {
    expect(logsift(['stats', sample, '--text'], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(logsift(['stats', sample, '--text'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(logsift(['stats', sample, '--text', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('--help for every command, with examples and exit 0', () => {
    const list = logsift(['commands', '--json']).json['data'] as { commands: { name: string; flags: { flag: string }[] }[] };
    for (const c of list.commands) {
      const r = logsift([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout, c.name).toContain(`Usage: logsift ${c.name}`);
      expect(r.stdout, c.name).toContain('Examples:');
      for (const f of c.flags) expect(r.stdout, `${c.name} ${f.flag}`).toContain(f.flag);
    }
  });

  it('program help lists every command with its arguments; help <command> shows its flags', () => {
    // Flags are built only for the commands named in argv: the listing must not depend on it.
    const list = logsift(['commands', '--json']).json['data'] as {
      commands: { name: string; flags: unknown[]; arguments: { name: string; variadic?: boolean; required?: boolean }[] }[];
    };
    const help = logsift(['--help']);
    expect(help.code).toBe(0);
    for (const c of list.commands) {
      const args = c.arguments.map((a) => (a.required ? ` <${a.name}${a.variadic ? '...' : ''}>` : ` [${a.name}${a.variadic ? '...' : ''}]`));
      const term = `${c.name}${c.flags.length > 0 ? ' [options]' : ''}${args.join('')}`;
      expect(help.stdout, c.name).toMatch(new RegExp(`^  ${term.replace(/[[\].]/g, '\\$&')}( |$)`, 'm'));
    }
    expect(logsift([]).stdout).toBe(help.stdout);
    const search = logsift(['help', 'search']);
    expect(search.code).toBe(0);
    expect(search.stdout).toContain('Usage: logsift search');
    expect(search.stdout).toContain('--limit <n>');
    expect(search.stdout).toBe(logsift(['search', '--help']).stdout);
  });

  it('prints the version', () => {
    const r = logsift(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('detect and schema', () => {
  it('detect: the format per file', () => {
    const r = logsift(['detect', sample, tmp.dir + '/app.jsonl']);
    expect(r.code).toBe(0);
    const files = (r.json['data'] as { files: { format: string; confidence: number }[] }).files;
    expect(files.map((f) => f.format).sort()).toEqual(['json', 'text']);
    expect(r.json['summary']).toEqual({ files: 2, formats: { text: 1, json: 1 } });
  });

  it('detect: the learned layout, as JSON and as a readable line', () => {
    const t = tempFiles({ 'py.log': '2009-07-20 22:59:27,672:DEBUG:app.db:opened\n2009-07-20 22:59:28,001:ERROR:app.db:lost\n  retrying\n' });
    try {
      const r = logsift(['detect', `${t.dir}/py.log`]);
      expect(r.code).toBe(0);
      const layout = (r.json['data'] as { files: { layout: { fields: { role: string; position: number }[]; separators: string[]; continuation: { shapes: string[] } } }[] }).files[0]?.layout;
      expect(layout?.fields.map((f) => f.role)).toEqual(['timestamp', 'level', 'component']);
      expect(layout?.separators).toContain(':');
      expect(layout?.continuation.shapes).toContain('indented');
      const text = logsift(['detect', `${t.dir}/py.log`, '--text']);
      expect(text.stdout).toMatch(/text: timestamp\(YYYY-MM-DD hh:mm:ss\) level component message; separators .*continuation: indented, stack-trace; confidence 100%/);
    } finally {
      t.remove();
    }
  });

  it('schema: parsed fields with types, share and examples, ids present', () => {
    const r = logsift(['schema', `${tmp.dir}/app.jsonl`]);
    expect(r.code).toBe(0);
    const file = (r.json['data'] as { files: { format: string; sampled: number; ids: { kind: string }[]; fields: { name: string; types: string[]; count: number; examples: unknown[] }[] }[] }).files[0];
    expect(file?.format).toBe('json');
    expect(file?.sampled).toBe(2);
    expect(file?.ids.map((i) => i.kind)).toContain('service');
    expect(file?.fields).toContainEqual(expect.objectContaining({ name: 'user.id', types: ['number'], count: 1, examples: [42] }));
    expect(file?.fields).toContainEqual(expect.objectContaining({ name: 'status', types: ['number'], count: 1, examples: [500] }));
    expect(logsift(['schema', `${tmp.dir}/empty.log`]).code).toBe(1);
  });
});

describe('custom formats', () => {
  it('--format regex:<pattern> fills entries from named groups', () => {
    const t = tempFiles({ 'custom.log': '1714557600|E|db|connection lost\n1714557601|I|web|ok\n' });
    try {
      const r = logsift(['search', `${t.dir}/custom.log`, '--format', 'regex:^(?P<timestamp>\\d+)\\|(?P<level>\\w)\\|(?P<service>\\w+)\\|(?P<message>.*)$', '--service', 'db']);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ data: { totalMatches: 1, entries: [{ service: 'db', message: 'connection lost' }] } });
    } finally {
      t.remove();
    }
  });
});
