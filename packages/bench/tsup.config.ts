import { defineConfig } from 'tsup';

// Config files are the one place a default export is required (by the tool).
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts', 'src/scenario-child.ts', 'src/sqlite-sizes-child.ts', 'src/cache-child.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
