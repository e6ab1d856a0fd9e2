import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 2.0 client authentication by secret, for every client we register (hospital systems, the
 * hospital's own apps): secrets are kept as SHA-256 hashes only, compared in constant time.
 */

/** Whether `secret` is one of the accepted ones (two during a rotation, one otherwise). */
export function secretMatches(secretHashes: readonly string[], secret: string): boolean {
  const presented = Buffer.from(createHash('sha256').update(secret).digest('base64url'));
  // Every accepted hash is compared, so timing says nothing about which (or whether one) matched.
  let match = false;
  for (const hash of secretHashes) {
    const known = Buffer.from(hash);
    if (known.length === presented.length && timingSafeEqual(known, presented)) match = true;
  }
  return match;
}

/** `client_secret_basic`: both halves are form-urlencoded (RFC 6749 2.3.1); anything malformed is no client. */
export function parseBasicCredentials(
  authorization: string | undefined,
): { clientId: string; secret: string } | undefined {
  const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(authorization?.trim() ?? '');
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const split = decoded.indexOf(':');
  if (split <= 0) return undefined;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return undefined; // broken percent-encoding (`%zz`, a truncated sequence)
    }
  };
  const clientId = decode(decoded.slice(0, split));
  const secret = decode(decoded.slice(split + 1));
  if (!clientId || secret === undefined) return undefined;
  return { clientId: clientId.slice(0, 64), secret };
}
