import { defineConfig } from 'tsup';

// Config files are the one place a default export is required (by the tool).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
