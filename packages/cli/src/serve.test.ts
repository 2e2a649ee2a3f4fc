import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { bin, logsift, sample } from './test-support.js';

/** Starts `logsift serve ...args` and resolves with its first stdout line (the URL). */
function serve(args: string[]) {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (l) => lines.push(l));
  const first = new Promise<string>((resolve, reject) => {
    reader.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before printing a URL`)));
  });
  // Resolves once stdout is read to its end too.
  const exit = Promise.all([new Promise<number | null>((resolve) => child.once('exit', resolve)), new Promise((resolve) => reader.once('close', resolve))]).then(([code]) => code);
  return { child, first, exit, lines };
}

describe('logsift serve', () => {
  it('prints its URL as one JSON envelope line, answers like the CLI, and stops on SIGINT (exit 0)', async () => {
    const s = serve([sample, '--json']);
    const envelope = JSON.parse(await s.first) as { ok: boolean; command: string; data: { url: string; host: string; port: number } };
    expect(envelope).toMatchObject({ ok: true, command: 'serve', data: { host: '127.0.0.1' } });
    const url = new URL(envelope.data.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token')!;
    const api = (path: string, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) => fetch(`${url.origin}/api/${path}`, { headers });
    // The histogram's counts are the CLI's.
    const h = (await (await api('histogram?q=level%3E%3Derror')).json()) as { total: number; aggregations: { level: Record<string, number> } };
    const cli = logsift(['count', sample, '-q', 'level>=error', '--aggregate', 'level']);
    expect(h.total).toBe((cli.json['data'] as { total: number }).total);
    expect(h.aggregations.level).toEqual((cli.json['data'] as { aggregations: { level: Record<string, number> } }).aggregations.level);
    expect((await api('stats', {})).status).toBe(401);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
  });

  it('a source that cannot be opened ends it with the typed error (exit 2)', async () => {
    const s = serve(['/no/such/file.log', '--json']);
    expect(await s.exit).toBe(2);
    expect(JSON.parse(s.lines[0]!)).toMatchObject({ ok: true, command: 'serve' });
    expect(JSON.parse(s.lines.at(-1)!)).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it('--text prints the URL for a person', async () => {
    const s = serve([sample, '--text', '--port', '0']);
    expect(await s.first).toMatch(/^logsift serve: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });
});
