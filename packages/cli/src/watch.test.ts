import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, logsift, tempFiles } from './test-support.js';

const files = tempFiles({ 'app.log': '2024-05-01T00:00:00Z ERROR [m] before the start\n' });
afterAll(() => files.remove());
const log = join(files.dir, 'app.log');
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('logsift watch', () => {
  it('prints matching entries written after the start as JSON lines and exits cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'watch', log, '-q', 'level>=error', '--fields', 'line,level,message'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The watch starts at the end whenever it is ready: write until something shows.
    const end = Date.now() + 8000;
    for (let k = 0; !out.includes('broken') && Date.now() < end; k++) {
      appendFileSync(log, `2024-05-01T00:00:01Z INFO [m] fine ${k}\n2024-05-01T00:00:02Z ERROR [m] broken ${k}\n`);
      await wait(300);
    }
    await wait(300);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { line: number; level: string; message: string });
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.level).toBe('ERROR');
      expect(l.message).toMatch(/^broken \d+$/);
    }
    // Each once, in order, with its line number in the file.
    const ks = lines.map((l) => Number(l.message.split(' ')[1]));
    expect(ks).toEqual(ks.map((_, i) => ks[0]! + i));
    expect(lines.map((l) => l.line)).toEqual(ks.map((k) => 3 + 2 * k));
  });

  it('stops by itself before --max-bytes (a replay from the start, cut)', () => {
    const many = join(files.dir, 'many.log');
    appendFileSync(many, Array.from({ length: 50 }, (_, i) => `2024-05-01T00:00:00Z INFO [m] line ${i}\n`).join(''));
    const r = logsift(['watch', many, '--from-start', '--fields', 'line,message', '--max-bytes', '300']);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(300);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toMatchObject({ truncated: { reason: '--max-bytes 300' } });
  });

  it('rejects stdin, --db, --max-decompressed-bytes and a missing file with the error envelope', () => {
    expect(logsift(['watch', '-']).code).toBe(2);
    expect(logsift(['watch', '--db', join(files.dir, 'x.sqlite')]).json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(logsift(['tail', log, '--max-decompressed-bytes', '1000']).json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    const missing = logsift(['watch', join(files.dir, 'missing.log')]);
    expect(missing.code).toBe(2);
    expect(missing.json).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });
});

describe('logsift tail (and the MCP tail tool)', () => {
  it('returns what is new since a cursor', async () => {
    const start = logsift(['tail', log]);
    expect(start.code).toBe(1);
    const cursor = (start.json['data'] as { cursor: string }).cursor;
    const line = readFileSync(log, 'utf8').split('\n').length;
    appendFileSync(log, '2024-05-01T00:00:03Z WARN [m] new one\n');
    const client = new Client({ name: 'logsift-test', version: '0.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], stderr: 'pipe' }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('tail');
      expect(tools.map((t) => t.name)).not.toContain('watch');
      const result = await client.callTool({ name: 'tail', arguments: { sources: [log], cursor } });
      const envelope = JSON.parse((result.content as { text: string }[])[0]!.text) as { data: { entries: { message: string; line: number }[]; cursor: string } };
      expect(envelope.data.entries.map((e) => [e.message, e.line])).toEqual([['new one', line]]);
      const again = await client.callTool({ name: 'tail', arguments: { sources: [log], cursor: envelope.data.cursor } });
      expect((JSON.parse((again.content as { text: string }[])[0]!.text) as { data: { entries: unknown[] } }).data.entries).toEqual([]);
      // More than one envelope holds: page by maxBytes, none skipped, none repeated.
      let text = '';
      for (let i = 0; i < 300; i++) text += `2024-05-01T00:00:04Z ERROR [m] failure number ${i} ${'x'.repeat(60)}\n`;
      appendFileSync(log, text);
      let next = envelope.data.cursor;
      const messages: string[] = [];
      for (let call = 0; call < 100; call++) {
        const r = await client.callTool({ name: 'tail', arguments: { sources: [log], cursor: next, query: 'level>=error', maxBytes: 8192 } });
        const e = JSON.parse((r.content as { text: string }[])[0]!.text) as { truncated: unknown; data: { entries: { raw: string }[]; cursor: string; more: boolean } };
        expect(e.truncated).toBe(false);
        messages.push(...e.data.entries.map((x) => /failure number \d+/.exec(x.raw)?.[0] ?? x.raw));
        next = e.data.cursor;
        if (!e.data.more) break;
      }
      expect(messages).toEqual(Array.from({ length: 300 }, (_, i) => `failure number ${i}`));
    } finally {
      await client.close();
    }
  });
});
