#!/usr/bin/env node
// The main job on the bundled sample: stats, then the errors found in it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const sample = join(root, 'examples', 'sample');

function logsift(...args) {
  console.log(`\n$ logsift ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args, '--text'], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 3);
}

logsift('stats', sample);
