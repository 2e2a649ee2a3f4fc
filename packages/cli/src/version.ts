import { createRequire } from 'node:module';

/** Inlined by the bundler (tsup `define`), so the binary does not read package.json at startup. */
declare const __LOGSIFT_VERSION__: string | undefined;

/** The package version; read from package.json when running from source (dist/ and src/ both sit one level below it). */
export const VERSION: string =
  typeof __LOGSIFT_VERSION__ === 'string' ? __LOGSIFT_VERSION__ : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
