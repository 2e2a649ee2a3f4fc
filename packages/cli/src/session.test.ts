import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, logsift, sample } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'logsift-cli-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { LOGSIFT_SESSIONS_DIR: join(dir, 'sessions') };
/** Each call is a new process, as an agent's would be: the session is resumed from disk every time. */
const session = (...args: string[]) => logsift(['session', ...args], { env });
const data = (r: { json: Record<string, unknown> }) => r.json['data'] as Record<string, unknown>;

describe('logsift session', () => {
  it('runs an investigation across processes: new, ask, note, undo, conclude, report', () => {
    const created = session('new', 'hadoop', sample, '--format', 'text', '--title', 'Hadoop sample');
    expect(created.code, created.stdout).toBe(0);
    expect(data(created)).toMatchObject({ entries: 2000, session: { name: 'hadoop', sources: { paths: [sample], options: { format: 'text' } } } });

    // ask runs the command's own query on the session's sources, and records its summary.
    const direct = logsift(['count', sample, '--format', 'text', '-q', 'level>=warn']);
    const asked = session('ask', 'hadoop', 'count', '-q', 'level>=warn');
    expect(asked.code, asked.stdout).toBe(0);
    expect((data(asked)['result'] as { total: number }).total).toBe((direct.json['data'] as { total: number }).total);
    expect(data(asked)['question']).toMatchObject({ command: 'count', argv: ['-q', 'level>=warn'], ok: true, found: true, summary: direct.json['summary'] });

    const searched = session('ask', 'hadoop', 'search', '-q', 'error', '-n', '1');
    expect((data(searched)['result'] as { returned: number }).returned).toBe(1);
    // A failing question is recorded too, and reported as the error it is.
    const bad = session('ask', 'hadoop', 'search', '--regex', '(');
    expect(bad.code).toBe(2);
    expect((bad.json['error'] as { code: string }).code).toBe('INVALID_REGEX');

    expect(session('note', 'hadoop', 'the', 'NodeManager', 'was', 'killed').code).toBe(0);
    expect(session('note', 'hadoop', 'a wrong lead').code).toBe(0);
    const undone = session('undo', 'hadoop');
    expect(data(undone)['undone']).toMatchObject({ text: 'a wrong lead' });
    expect(session('conclude', 'hadoop', 'shutdown by signal, not a crash').code).toBe(0);

    const shown = data(session('show', 'hadoop'))['session'] as { questions: { command: string; ok: boolean; error?: string }[]; notes: { text: string }[] };
    expect(shown.questions.map((q) => [q.command, q.ok, q.error])).toEqual([
      ['count', true, undefined],
      ['search', true, undefined],
      ['search', false, 'INVALID_REGEX'],
    ]);
    expect(shown.notes.map((n) => n.text)).toEqual(['the NodeManager was killed']);

    const md = join(dir, 'report.md');
    const report = session('report', 'hadoop', '-o', md);
    expect(report.code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('# Investigation: Hadoop sample');
    expect(text).toContain('1. `count -q level>=warn` — found');
    expect(text).toContain('3. `search --regex (` — failed (INVALID_REGEX)');
    expect(text).toContain('- the NodeManager was killed');
    expect(text).not.toContain('a wrong lead');
    expect(text).toContain('shutdown by signal, not a crash');
    expect((data(report)['json'] as { conclusion: { text: string } }).conclusion.text).toBe('shutdown by signal, not a crash');
    const jsonFile = join(dir, 'report.json');
    session('report', 'hadoop', '-o', jsonFile);
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toMatchObject({ name: 'hadoop', notes: [{ text: 'the NodeManager was killed' }] });

    const list = data(session('list'))['sessions'] as { name: string; questions: number; concluded: boolean }[];
    expect(list).toEqual([expect.objectContaining({ name: 'hadoop', questions: 3, notes: 1, concluded: true })]);
  });

  it('refuses what cannot be meant, with typed errors', () => {
    const code = (r: { json: Record<string, unknown> }) => (r.json['error'] as { code: string } | undefined)?.code;
    expect(code(session('open', 'x'))).toBe('USAGE');
    expect(code(session('show', 'missing'))).toBe('UNKNOWN_SESSION');
    expect(code(session('new', 'nofiles', join(dir, 'does-not-exist.log')))).toBe('ENOENT');
    expect(code(session('show', 'nofiles'))).toBe('UNKNOWN_SESSION');
    session('new', 'twice', sample);
    expect(code(session('new', 'twice', sample))).toBe('SESSION_EXISTS');
    // Undo of a named note: once, then it is gone; a number never written; not a number.
    session('note', 'twice', 'first');
    session('note', 'twice', 'second');
    expect(data(session('undo', 'twice', '1'))['undone']).toMatchObject({ seq: 1, text: 'first' });
    expect(code(session('undo', 'twice', '1'))).toBe('NOTE_ALREADY_UNDONE');
    expect(code(session('undo', 'twice', '7'))).toBe('UNKNOWN_NOTE');
    expect(code(session('undo', 'twice', 'last'))).toBe('USAGE');
    expect(code(session('undo', 'twice', '2', '3'))).toBe('USAGE');
    expect((data(session('show', 'twice'))['session'] as { notes: { seq: number }[] }).notes.map((n) => n.seq)).toEqual([2]);
    // The session fixes the sources: a question names none.
    expect(code(session('ask', 'twice', 'search', sample))).toBe('USAGE');
    expect(code(session('ask', 'twice', 'commands'))).toBe('USAGE');
    expect(code(session('ask', 'twice', 'search', '--no-such-flag'))).toBe('USAGE');
  });

  it('is one MCP tool with an action', async () => {
    const client = new Client({ name: 'logsift-test', version: '0.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], env: { ...process.env, ...env } as Record<string, string>, stderr: 'pipe' }));
    try {
      const call = async (args: Record<string, unknown>) => (await client.callTool({ name: 'session', arguments: args })).structuredContent as Record<string, unknown>;
      expect(await call({ action: 'new', name: 'mcp', words: [sample] })).toMatchObject({ ok: true, data: { entries: 2000 } });
      const asked = await call({ action: 'ask', name: 'mcp', words: ['count', '-q', 'level>=error'] });
      expect(asked).toMatchObject({ ok: true, data: { question: { command: 'count', found: true } } });
      await call({ action: 'note', name: 'mcp', words: ['seen over MCP'] });
      const report = await call({ action: 'report', name: 'mcp' });
      expect((report['data'] as { markdown: string }).markdown).toContain('- seen over MCP');
    } finally {
      await client.close();
    }
  }, 60_000);
});
