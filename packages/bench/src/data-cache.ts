import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generate, generateToFile, Unavailable } from './api-surface.js';
import type { ScaleName } from './scales.js';

/** The files of one scale: the same entries as JSON lines, plain text and logfmt, plus a gzip and a 1 KB file. */
export const DATA_FORMATS = ['json', 'text', 'logfmt', 'jsonGz', 'tiny'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export interface DataFile {
  path: string;
  bytes: number;
  /** Entries the generator was asked for. */
  entries: number;
  sha256: string;
}

export interface DataSet {
  dir: string;
  scale: ScaleName;
  seed: number;
  entries: number;
  files: Record<DataFormat, DataFile>;
}

const FILE_NAMES: Record<DataFormat, string> = {
  json: 'logs.jsonl',
  text: 'logs.log',
  logfmt: 'logs.logfmt',
  jsonGz: 'logs.jsonl.gz',
  tiny: 'tiny.log',
};

/** Entries generated for the startup-overhead file (then cut to at most 1 KB). */
const TINY_ENTRIES = 12;
const TINY_MAX_BYTES = 1024;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Whole lines of `text` within `max` bytes. */
export function cutToBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return text;
  const cut = buf.subarray(0, max).lastIndexOf(0x0a);
  return buf.subarray(0, cut + 1).toString('utf8');
}

function manifestValid(set: DataSet): boolean {
  return DATA_FORMATS.every((f) => {
    const file = set.files[f];
    return file !== undefined && existsSync(file.path) && statSync(file.path).size === file.bytes;
  });
}

/**
 * The data files of a scale, generated once into `<root>/seed-<seed>/<scale>/` and reused by
 * later runs (and by runs of other logsift versions, which then measure the same bytes). A
 * version without the generator can still run on a cache filled by one that has it.
 */
export async function ensureData(root: string, scale: ScaleName, entries: number, seed: number, log: (msg: string) => void = () => {}): Promise<DataSet> {
  const dir = join(root, `seed-${seed}`, scale);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as DataSet;
    if (cached.entries === entries && cached.seed === seed && manifestValid(cached)) return cached;
  }
  mkdirSync(dir, { recursive: true });
  const files = {} as Record<DataFormat, DataFile>;
  const started = performance.now();
  for (const format of ['json', 'text', 'logfmt'] as const) {
    const path = join(dir, FILE_NAMES[format]);
    log(`generating ${entries} ${format} entries → ${path}`);
    try {
      await generateToFile(`${path}.tmp`, { entries, format, seed });
    } catch (error) {
      if (error instanceof Unavailable) {
        throw new Unavailable(`the generator (generateToFile); the data cache ${dir} is empty — fill it with a version that has it`);
      }
      throw error;
    }
    renameSync(`${path}.tmp`, path);
    files[format] = { path, bytes: statSync(path).size, entries, sha256: await sha256(path) };
  }
  const gz = join(dir, FILE_NAMES.jsonGz);
  await pipeline(createReadStream(files.json.path), createGzip({ level: 6 }), createWriteStream(gz));
  files.jsonGz = { path: gz, bytes: statSync(gz).size, entries, sha256: await sha256(gz) };
  const tiny = join(dir, FILE_NAMES.tiny);
  const tinyText = cutToBytes(generate({ entries: TINY_ENTRIES, format: 'text', seed }), TINY_MAX_BYTES);
  writeFileSync(tiny, tinyText);
  const tinyEntries = tinyText.split('\n').filter((l) => /^\S/.test(l)).length;
  files.tiny = { path: tiny, bytes: statSync(tiny).size, entries: tinyEntries, sha256: await sha256(tiny) };
  const set: DataSet = { dir, scale, seed, entries, files };
  writeFileSync(manifestPath, `${JSON.stringify(set, null, 2)}\n`);
  log(`data ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return set;
}
