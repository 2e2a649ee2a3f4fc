#!/usr/bin/env node
// The main job on the bundled sample (a Hadoop log from loghub and 3,000 generated
// multi-service JSON records with a known incident): stats, a triage, then the errors.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const sample = join(root, 'examples', 'sample');

function logsift(...args) {
  console.log(`\n$ logsift ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args, '--text'], { stdio: 'inherit', env: { ...process.env, COLUMNS: '120' } });
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 3);
}

logsift('stats', sample);
logsift('triage', sample);
// Where the multi-service incident started (one system: the question needs one timeline).
logsift('error-flow', join(sample, 'services.jsonl'), '--min-level', 'error');
logsift('search', sample, '--min-level', 'error', '--order', 'newest', '--limit', '10');
