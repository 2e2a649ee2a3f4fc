import { defineConfig } from 'vite';

// Config files are the one place a default export is required (by the tool).
// The single-page app: bundled into dist/app (served by the package's server, no CDN).
// dist/app is its own folder (tsup writes the server beside it), so emptying it is safe.
export default defineConfig({
  root: 'src/app',
  base: './',
  build: { outDir: '../../dist/app', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
});
