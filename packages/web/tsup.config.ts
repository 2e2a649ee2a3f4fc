import { defineConfig } from 'tsup';

// Config files are the one place a default export is required (by the tool).
// The server only; the page is built by Vite (vite.config.ts) into dist/app.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
