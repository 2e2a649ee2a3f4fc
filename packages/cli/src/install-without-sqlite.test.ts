import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from './test-support.js';

const packages = join(import.meta.dirname, '..', '..');

/** The top-level names a `files` entry matches (ours are names or `*.ext`; Node 20 has no fs.glob). */
function matching(dir: string, pattern: string): string[] {
  if (!pattern.includes('*')) return existsSync(join(dir, pattern)) ? [pattern] : [];
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(dir).filter((name) => re.test(name));
}

/** Copies a package as `npm pack` would ship it: package.json and its `files` entries. */
function copyPackage(from: string, to: string): void {
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { files: string[] };
  mkdirSync(to, { recursive: true });
  cpSync(join(from, 'package.json'), join(to, 'package.json'));
  for (const pattern of pkg.files) for (const path of matching(from, pattern)) cpSync(join(from, path), join(to, path), { recursive: true });
}

/**
 * An install of logsift without @logsift/sqlite-export (nor better-sqlite3): the CLI, api and
 * core-native copied as they are packed, the CLI's third-party dependencies linked to their
 * store copies (which cannot resolve our packages). Node resolves from the copies' real
 * paths, so nothing of the workspace's node_modules is in reach.
 */
describe('an install without @logsift/sqlite-export', () => {
  let root: string;
  let bin: string;
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
    return { code: r.status, json: (r.stdout.startsWith('{') ? JSON.parse(r.stdout) : {}) as Record<string, unknown>, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'logsift-lean-install-'));
    const nm = join(root, 'node_modules');
    copyPackage(join(packages, 'cli'), join(nm, 'logsift'));
    copyPackage(join(packages, 'api'), join(nm, '@logsift', 'api'));
    copyPackage(join(packages, 'core-native'), join(nm, '@logsift', 'core-native'));
    const cliPkg = JSON.parse(readFileSync(join(packages, 'cli', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(cliPkg.dependencies).filter((d) => !d.startsWith('@logsift/'))) {
      const target = join(nm, dep);
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(realpathSync(join(packages, 'cli', 'node_modules', dep)), target);
    }
    bin = join(nm, 'logsift', 'dist', 'bin.js');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('really lacks the exporter', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('@logsift/sqlite-export')"], { cwd: join(root, 'node_modules', 'logsift'), encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_MODULE_NOT_FOUND');
  });

  it('searches, counts and renders text as usual', () => {
    const s = run(['search', sample, '-q', 'NoRouteToHost', '--level', 'fatal']);
    expect(s.code).toBe(0);
    expect(s.json).toMatchObject({ ok: true, summary: { totalMatches: 2 } });
    expect(run(['count', sample, '--level', 'error']).json).toMatchObject({ data: { total: 150 } });
    const t = run(['stats', sample, '--text']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('2,000');
  });

  it('exports Parquet and reads it back: the engine writes it, no extra package', () => {
    const out = join(root, 'parquet-out');
    const e = run(['export', sample, '--to', 'parquet', '-o', out]);
    expect(e.code).toBe(0);
    expect(e.json).toMatchObject({ ok: true, data: { rows: 2000 } });
    expect(run(['count', '--parquet', out, '--level', 'error']).json).toMatchObject({ data: { total: 150 } });
  });

  it('runs SQL over log files and over --db without it (the engine has its own SQLite)', () => {
    const r = run(['sql', sample, '-q', 'select count(*) n from entries where level = \'ERROR\'']);
    expect(r.json).toMatchObject({ ok: true, data: { columns: ['n'], rows: [[150]] } });
    // Not MISSING_DEPENDENCY: the file is simply not there.
    expect(run(['sql', '--db', 'x.sqlite', '-q', 'select 1']).json).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it.each([
    ['export', ['export', sample, '-o', 'x.sqlite']],
    ['db-to-jsonl', ['db-to-jsonl', '--db', 'x.sqlite']],
    ['--db', ['stats', '--db', 'x.sqlite']],
  ])('%s says how to install it (exit 2, typed error)', (_, args) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'MISSING_DEPENDENCY', hint: expect.stringContaining('npm install @logsift/sqlite-export') } });
  });

  // The same install lacks @logsift/web, the other optional peer.
  it('serve says how to install @logsift/web (exit 2, typed error)', () => {
    const r = run(['serve', sample, '--json']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'MISSING_DEPENDENCY', hint: expect.stringContaining('npm install @logsift/web') } });
  });
});
