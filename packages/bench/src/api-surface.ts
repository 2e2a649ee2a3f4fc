import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '@logsift/api';
import type { Investigation, OpenOptions, TaskControl } from '@logsift/api';

/**
 * The bench runs against whatever version of @logsift/api is installed, older ones included.
 * Capabilities are detected by presence, never assumed: a scenario whose method is missing is
 * reported as skipped, so comparing with an older version stays honest.
 */
export class Unavailable extends Error {
  constructor(what: string) {
    super(`not available in this version: ${what}`);
    this.name = 'Unavailable';
  }
}

/** Generator options of the planned `generate` / `generateToFile` api. */
export interface GenerateOptions {
  entries: number;
  format: 'json' | 'text' | 'logfmt';
  seed: number;
}

type AnyFn = (...args: never[]) => unknown;

/** An exported function of @logsift/api, or an `Unavailable` error when this version lacks it. */
export function apiFunction<F extends AnyFn>(name: string): F {
  const fn = (api as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Unavailable(`@logsift/api ${name}()`);
  return fn as F;
}

export function hasApiFunction(name: string): boolean {
  return typeof (api as unknown as Record<string, unknown>)[name] === 'function';
}

/** `generate(options)`: generated log text. */
export function generate(options: GenerateOptions): string {
  return apiFunction<(o: GenerateOptions) => string>('generate')(options);
}

/** `generateToFile(path, options)`: writes generated logs to a file. */
export function generateToFile(path: string, options: GenerateOptions, control?: TaskControl): Promise<unknown> {
  return apiFunction<(p: string, o: GenerateOptions, c?: TaskControl) => Promise<unknown>>('generateToFile')(path, options, control);
}

/** A method of an open investigation, bound, or `Unavailable` when this version lacks it. */
export function method(inv: Investigation, name: string): (...args: unknown[]) => Promise<unknown> {
  const fn = (inv as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Unavailable(`Investigation.${name}()`);
  return async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(inv, args);
}

/** Version of the installed @logsift/api package. */
export function apiVersion(): string {
  try {
    // The package exports only an `import` condition: resolve it the ESM way.
    const pkg = join(dirname(fileURLToPath(import.meta.resolve('@logsift/api'))), '..', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export { api };

let cacheOptionKnown: boolean | undefined;

/**
 * Opens without the api's index cache (`cache: false`), so an index build is measured as a
 * build and not as a cache hit. A version that predates the cache rejects the option: it
 * then has nothing to bypass, and is opened plainly.
 */
export async function openFresh(path: string, options: OpenOptions = {}): Promise<Investigation> {
  if (cacheOptionKnown !== false) {
    try {
      const inv = await api.open(path, { ...options, cache: false } as OpenOptions);
      cacheOptionKnown = true;
      return inv;
    } catch (error) {
      const e = error as { code?: string; location?: string };
      if (cacheOptionKnown === undefined && e.code === 'INVALID_OPTION' && e.location === 'cache') cacheOptionKnown = false;
      else throw error;
    }
  }
  return api.open(path, options);
}
