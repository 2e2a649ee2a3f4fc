import { defineConfig } from 'tsup';
import pkg from './package.json';

// Config files are the one place a default export is required (by the tool).
export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Startup time: the argument parser and colours run on every invocation, so they are
  // bundled in (one file read and compiled instead of a dozen resolved through node_modules
  // and the ESM-to-CommonJS bridge). Everything loaded only on demand (the api and its
  // native addon, SQLite, MCP, tables, progress bars) stays external.
  noExternal: ['commander', 'picocolors'],
  // One file: a shared chunk per dynamic import is one more module to resolve, read and link on
  // every run. Local modules imported dynamically are inlined (initialised on first use);
  // external ones stay dynamic imports, loaded only by the commands that need them.
  splitting: false,
  // The version is a constant of the build (src/version.ts), not a package.json read per run.
  define: { __LOGSIFT_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS (commander) calls require() for Node built-ins; ESM has none.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __logsiftCreateRequire } from 'node:module';\nconst require = __logsiftCreateRequire(import.meta.url);" },
});
