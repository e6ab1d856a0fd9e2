import { defineConfig } from 'vite';

/**
 * The reference web client: plain TypeScript and the DOM, bundled by Vite. `npm start` builds it
 * into `.build/web` and the local runtime serves it at `/`.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  // Tencent's widget in a real build; `npm start` builds against the local stand-in's (same API).
  define: {
    __CAPTCHA_SCRIPT__: JSON.stringify(
      process.env.PO_CAPTCHA_SCRIPT ?? 'https://turing.captcha.qcloud.com/TCaptcha.js',
    ),
  },
  // No source maps: served to anyone, they would hand out the client's source with comments.
  build: { outDir: '../.build/web', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
