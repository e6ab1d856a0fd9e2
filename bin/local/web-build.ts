import { join, resolve } from 'node:path';
import { build } from 'vite';

const projectRoot = resolve(import.meta.dirname, '..', '..');
export const webOutDir = join(projectRoot, '.build', 'web');

/** Builds the reference web client (web/) into `.build/web`, as `npm start` and the browser tests do. */
export async function buildWebClient(): Promise<string> {
  // The local captcha widget (bin/local/captcha-widget.ts), served by the local server.
  process.env.PO_CAPTCHA_SCRIPT ??= '/captcha/TCaptcha.js';
  await build({ configFile: join(projectRoot, 'web', 'vite.config.ts'), logLevel: 'warn' });
  return webOutDir;
}
