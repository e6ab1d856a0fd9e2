import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The web client's pages: `/`, the OAuth return page, and its hashed assets. */
/** Pages a provider sends the browser back to: the client's own routes, served as the client. */
const pagePaths = new Set(['/oauth/callback', '/liveness/return', '/oidc/consent']);

export function isWebPath(method: string, path: string): boolean {
  return method === 'GET' && (path === '/' || pagePaths.has(path) || path.startsWith('/assets/'));
}

/**
 * Serves the built client (`npm start` builds it into `.build/web`). The page gets a strict
 * content security policy: scripts and styles only from this origin, API calls only to it.
 */
export async function serveWeb(
  webDir: string,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2 | undefined> {
  const relative =
    path === '/' || pagePaths.has(path) ? 'index.html' : normalize(path).replace(/^[/\\]+/, '');
  if (relative.includes('..')) return undefined;
  let content: Buffer;
  try {
    content = await readFile(join(webDir, relative));
  } catch {
    return undefined;
  }
  const html = relative === 'index.html';
  // The local server tells the page where its SMS sender writes: a hint for `npm start` only,
  // so no developer text is in the built client.
  if (html)
    content = Buffer.from(
      content
        .toString('utf8')
        .replace('</head>', '    <meta name="local-sms-file" content=".data/outbox/sms.jsonl" />\n  </head>'),
    );
  return {
    statusCode: 200,
    headers: {
      'content-type': TYPES[extname(relative)] ?? 'application/octet-stream',
      'cache-control': html ? 'no-store' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      ...(html
        ? {
            'content-security-policy':
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            'referrer-policy': 'no-referrer',
          }
        : {}),
    },
    body: content.toString('base64'),
    isBase64Encoded: true,
  };
}
