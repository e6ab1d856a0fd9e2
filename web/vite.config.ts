import { defineConfig } from 'vite';

/**
 * The reference web client: plain TypeScript and the DOM, bundled by Vite. `npm start` builds it
 * into `.build/web` and the local runtime serves it at `/`.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  // No source maps: served to anyone, they would hand out the client's source with comments.
  build: { outDir: '../.build/web', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
