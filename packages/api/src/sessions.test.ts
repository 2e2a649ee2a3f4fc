import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogsiftError } from './errors.js';
import { sessionMarkdown, sessions } from './sessions.js';

const dir = mkdtempSync(join(tmpdir(), 'logsift-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts = { dir };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return LogsiftError.isInstance(e) ? e.code : 'not a LogsiftError';
  }
  return undefined;
}

describe('sessions', () => {
  it('create, resume by name, note, undo, record, conclude, report', () => {
    const s = sessions.create('outage-1', { paths: ['logs/app.log'], options: { format: 'json' } }, { ...opts, title: 'Checkout 502s' });
    expect(s.state().sources).toEqual({ paths: [join(process.cwd(), 'logs/app.log')], options: { format: 'json' } });
    const again = sessions.open('outage-1', opts);
    again.note('pool exhausted at 14:02');
    again.note('a wrong guess');
    expect(again.undoNote()?.text).toBe('a wrong guess');
    again.record({ command: 'search', argv: ['-q', 'timeout'], ok: true, found: true, summary: { totalMatches: 12 }, elapsedMs: 3 });
    again.conclude('db pool too small');
    const state = sessions.open('outage-1', opts).state();
    expect(state.notes.map((n) => n.text)).toEqual(['pool exhausted at 14:02']);
    expect(state.questions.map((q) => [q.command, q.argv, q.summary])).toEqual([['search', ['-q', 'timeout'], { totalMatches: 12 }]]);
    expect(state.conclusion?.text).toBe('db pool too small');
    const md = sessionMarkdown(state);
    expect(md).toContain('# Investigation: Checkout 502s');
    expect(md).toContain('1. `search -q timeout` — found: totalMatches: 12');
    expect(md).toContain('- pool exhausted at 14:02');
    expect(md).not.toContain('a wrong guess');
    expect(md).toMatch(/## Conclusion\n\ndb pool too small/);
    expect(s.report().json).toEqual(state);
    // Undo twice takes back the remaining note, then there is nothing left to take back.
    expect(again.undoNote()?.text).toBe('pool exhausted at 14:02');
    expect(again.undoNote()).toBeUndefined();
    expect(sessions.list(opts).map((l) => [l.name, l.notes, l.questions, l.concluded])).toEqual([['outage-1', 0, 1, true]]);
  });

  it('typed errors: a taken name, an unknown session, a bad name, stdin as a source, empty text', () => {
    sessions.create('taken', { paths: ['a.log'], options: {} }, opts);
    expect(codeOf(() => sessions.create('taken', { paths: ['b.log'], options: {} }, opts))).toBe('SESSION_EXISTS');
    expect(sessions.open('taken', opts).state().sources.paths).toEqual([join(process.cwd(), 'a.log')]);
    expect(codeOf(() => sessions.open('nope', opts))).toBe('UNKNOWN_SESSION');
    expect(codeOf(() => sessions.create('../escape', { paths: ['a.log'], options: {} }, opts))).toBe('INVALID_OPTION');
    expect(codeOf(() => sessions.create('stdin', { paths: ['-'], options: {} }, opts))).toBe('INVALID_OPTION');
    expect(codeOf(() => sessions.open('taken', opts).note('  '))).toBe('INVALID_OPTION');
  });

  it('keeps a SQLite source by its absolute path too', () => {
    const s = sessions.create('db-source', { paths: [], options: { db: 'exports/logs.sqlite', timezone: '+02:00' } }, opts);
    expect(sessions.open('db-source', opts).state().sources).toEqual({ paths: [], options: { db: join(process.cwd(), 'exports/logs.sqlite'), timezone: '+02:00' } });
    expect(s.name).toBe('db-source');
  });

  it('a last line still being written is not part of the state', () => {
    const s = sessions.create('partial', { paths: ['a.log'], options: {} }, opts);
    s.note('complete');
    appendFileSync(s.file, '{"type":"note","id":"x","text":"half');
    expect(s.state().notes.map((n) => n.text)).toEqual(['complete']);
  });

  it('undo names its note: note N, a second undo of it is a typed error, numbers are never reused', () => {
    const s = sessions.create('numbered', { paths: ['a.log'], options: {} }, opts);
    expect(['one', 'two', 'three'].map((t) => s.note(t).seq)).toEqual([1, 2, 3]);
    expect(s.undoNote(2)?.text).toBe('two');
    expect(codeOf(() => s.undoNote(2))).toBe('NOTE_ALREADY_UNDONE');
    expect(codeOf(() => s.undoNote(4))).toBe('UNKNOWN_NOTE');
    expect(codeOf(() => s.undoNote(0))).toBe('UNKNOWN_NOTE');
    expect(s.note('four').seq).toBe(4);
    expect(s.state().notes.map((n) => [n.seq, n.text])).toEqual([[1, 'one'], [3, 'three'], [4, 'four']]);
    // A replayed second undo of one note (a journal written before undos had ids) changes nothing.
    const first = s.state().notes[0]!.id;
    for (let i = 0; i < 2; i++) appendFileSync(s.file, `${JSON.stringify({ type: 'undo', note: first, at: new Date().toISOString() })}\n`);
    expect(s.state().notes.map((n) => n.seq)).toEqual([3, 4]);
  });

  /** Runs `body` (given the session `s`) in `n` processes started together; their stdout lines, parsed. */
  async function together(name: string, n: number, body: string): Promise<unknown[]> {
    const start = Date.now() + 1500;
    const script = `
      const { sessions } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.js'))});
      const s = sessions.open(${JSON.stringify(name)}, { dir: ${JSON.stringify(dir)} });
      while (Date.now() < ${start}) {}
      let out;
      try { out = { ok: (() => { ${body} })() ?? null }; } catch (e) { out = { code: e.code }; }
      process.stdout.write(JSON.stringify(out));
    `;
    const run = (): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`exit ${code}`))));
      });
    return Promise.all(Array.from({ length: n }, run));
  }

  it('concurrent undos from several processes never take one note back twice', async () => {
    const s = sessions.create('undo-race', { paths: ['a.log'], options: {} }, opts);
    for (let i = 1; i <= 10; i++) s.note(`note ${i}`);
    const got = (await together('undo-race', 6, 'return s.undoNote()?.seq;')) as { ok: number | null }[];
    // Six undos of "the last note" take back the six last notes, each exactly once.
    expect(got.map((g) => g.ok).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([5, 6, 7, 8, 9, 10]);
    expect(s.state().notes.map((n) => n.seq)).toEqual([1, 2, 3, 4]);

    // More undos than notes: every note is taken back once, the rest find none.
    const t = sessions.create('undo-race-2', { paths: ['a.log'], options: {} }, opts);
    for (let i = 1; i <= 3; i++) t.note(`note ${i}`);
    const more = (await together('undo-race-2', 5, 'return s.undoNote()?.seq;')) as { ok: number | null }[];
    expect(more.map((g) => g.ok).sort()).toEqual([1, 2, 3, null, null]);
    expect(t.state().notes).toEqual([]);

    // Undo of one named note at once: one process takes it back, the others are told it is gone.
    const u = sessions.create('undo-race-3', { paths: ['a.log'], options: {} }, opts);
    for (let i = 1; i <= 5; i++) u.note(`note ${i}`);
    const same = (await together('undo-race-3', 4, 'return s.undoNote(3)?.seq;')) as { ok?: number; code?: string }[];
    expect(same.filter((g) => g.ok === 3)).toHaveLength(1);
    expect(same.filter((g) => g.code === 'NOTE_ALREADY_UNDONE')).toHaveLength(3);
    expect(u.state().notes.map((n) => n.seq)).toEqual([1, 2, 4, 5]);
  }, 60_000);

  it('concurrent appends from several processes lose no note', async () => {
    const s = sessions.create('busy', { paths: ['a.log'], options: {} }, opts);
    const script = `
      const { sessions } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.js'))});
      const s = sessions.open('busy', { dir: ${JSON.stringify(dir)} });
      for (let i = 0; i < 50; i++) s.note(process.argv[1] + ' note ' + i + ' ' + 'x'.repeat(i * 40));
    `;
    const run = (who: string): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, who], { stdio: 'inherit' });
        child.on('exit', resolve);
      });
    const codes = await Promise.all(['p0', 'p1', 'p2', 'p3'].map(run));
    expect(codes).toEqual([0, 0, 0, 0]);
    const notes = s.state().notes.map((n) => n.text.replace(/ x*$/, ''));
    expect(notes.length).toBe(200);
    for (const who of ['p0', 'p1', 'p2', 'p3']) {
      const mine = notes.filter((n) => n.startsWith(`${who} `));
      expect(mine.map((n) => Number(n.split(' ')[2]))).toEqual([...Array(50).keys()]);
    }
    // Every line of the journal is whole JSON.
    for (const line of readFileSync(s.file, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  }, 60_000);
});
