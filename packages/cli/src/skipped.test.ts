import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, logsift, tempFiles } from './test-support.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ time: 1700000000000 + i, level: 'info', msg: `line ${i}` })).join('\n') + '\n';

/** Root ignores file modes: the unreadable-file case runs as `nobody` (setpriv), when this runs as root. */
const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

describe('files a directory walk cannot read', () => {
  it('a symlink loop and a dangling link are skipped and listed, not a failed command', () => {
    const t = tempFiles({ 'a.jsonl': lines(10) });
    mkdirSync(join(t.dir, 'sub'));
    writeFileSync(join(t.dir, 'sub', 'b.jsonl'), lines(5));
    symlinkSync('..', join(t.dir, 'sub', 'up'));
    symlinkSync('gone.jsonl', join(t.dir, 'dangling.jsonl'));
    const r = logsift(['count', t.dir]);
    expect(r.code).toBe(0);
    expect(r.json['data']).toMatchObject({ total: 15 });
    const skipped = r.json['skipped'] as { path: string; code: string; reason: string }[];
    expect(skipped.map((s) => [s.path.slice(t.dir.length + 1), s.code])).toEqual([
      ['dangling.jsonl', 'ENOENT'],
      ['sub/up', 'IO_ERROR'],
    ]);
    expect(skipped[1]?.reason).toMatch(/symlink loop/);
    // Text output says it on stderr, as ripgrep does.
    const text = logsift(['count', t.dir, '--text']);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/skipped .*sub\/up: symlink loop/);
    t.remove();
  });

  it.skipIf(!asNobody)('an unreadable file is skipped in a directory and EACCES when named (run as nobody)', () => {
    const t = tempFiles({ 'a.jsonl': lines(10), 'secret.jsonl': lines(3) });
    chmodSync(t.dir, 0o755);
    chmodSync(join(t.dir, 'a.jsonl'), 0o644);
    chmodSync(join(t.dir, 'secret.jsonl'), 0o600);
    const run = (args: string[]) => {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, ...args], { encoding: 'utf8' });
      return { code: r.status, json: JSON.parse(r.stdout) as Record<string, unknown> };
    };
    const walked = run(['count', t.dir]);
    expect(walked.code).toBe(0);
    expect(walked.json['data']).toMatchObject({ total: 10 });
    expect(walked.json['skipped']).toEqual([{ path: join(t.dir, 'secret.jsonl'), code: 'EACCES', reason: expect.stringMatching(/denied/i) }]);
    const named = run(['count', join(t.dir, 'secret.jsonl')]);
    expect(named.code).toBe(2);
    expect(named.json['error']).toMatchObject({ code: 'EACCES' });
    t.remove();
  });
});
