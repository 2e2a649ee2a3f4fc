#!/usr/bin/env node
// The README's commands. A fresh machine has Node 20, npm and cargo but no pnpm: this script
// installs the pinned pnpm (from the npm registry) into .tools/ when it is missing, installs
// the workspace, then runs the job through turbo.
//
//   node scripts/dev.mjs demo   install, compile the addon, investigate the bundled sample
//   node scripts/dev.mjs test   install, build, run every test (vitest + cargo test)
//   node scripts/dev.mjs bench  install, build, run the small-scale benchmarks
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const tools = join(root, '.tools');
const env = {
  ...process.env,
  PATH: `${join(tools, 'node_modules', '.bin')}:${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

function sh(cmd, args, opts = {}) {
  console.error(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function havePnpm() {
  try {
    return execFileSync('pnpm', ['--version'], { env, encoding: 'utf8' }).trim() === pinned;
  } catch {
    return false;
  }
}

if (!havePnpm()) {
  sh('npm', ['install', '--prefix', tools, '--no-save', '--no-package-lock', `pnpm@${pinned}`]);
}
sh('pnpm', ['install', '--frozen-lockfile']);

const job = process.argv[2];
if (job === 'demo') {
  sh('pnpm', ['turbo', 'run', 'build', '--filter=logsift...']);
  sh('node', ['scripts/demo.mjs']);
} else if (job === 'test') {
  // Type-checks every package (tests included: vitest does not) before running the tests.
  // Output is streamed and also scanned, to print one closing tally of every runner.
  // The tests' index caches go to a scratch directory, not the user's ~/.cache/logsift
  // (tests of the cache itself name their own directory).
  const cacheDir = mkdtempSync(join(tmpdir(), 'logsift-test-cache-'));
  const r = spawnSync('pnpm', ['turbo', 'run', 'typecheck', 'test', '--concurrency=1'], {
    cwd: root,
    env: { ...env, LOGSIFT_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  rmSync(cacheDir, { recursive: true, force: true });
  process.stdout.write(r.stdout ?? '');
  const plain = (r.stdout ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  let passed = 0;
  let failed = 0;
  for (const m of plain.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  for (const m of plain.matchAll(/^\S+:test:\s+Tests\s+(.*)$/gm)) {
    passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
  }
  console.log(`\nall tests: ${passed} passed, ${failed} failed`);
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (passed === 0) {
    console.error('no test ran');
    process.exit(1);
  }
} else if (job === 'bench') {
  sh('pnpm', ['turbo', 'run', 'build']);
  sh('pnpm', ['--filter', '@logsift/bench', 'run', 'bench']);
} else {
  console.error('usage: node scripts/dev.mjs demo|test|bench');
  process.exit(2);
}
