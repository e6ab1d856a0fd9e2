import { createSign, createVerify } from 'node:crypto';

/**
 * Alipay open platform signing (RSA2: SHA256withRSA): the request's parameters but `sign`, those
 * with a value, sorted by name and joined as `k=v&…` without encoding, signed with the app's
 * private key; an answer is verified over the exact JSON text of its response node with Alipay's
 * public key.
 */
export function signContent(params: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(params)
    .filter(([name, value]) => name !== 'sign' && value !== undefined && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * The exact text of a top-level member's JSON value, as Alipay signed it (re-serialising would
 * change escapes and order). A small scanner: strings and escapes are skipped, braces counted.
 */
export function memberText(body: string, member: string): string | undefined {
  const key = `"${member}"`;
  let at = body.indexOf(key);
  if (at < 0) return undefined;
  at = body.indexOf(':', at + key.length);
  if (at < 0) return undefined;
  let start = at + 1;
  while (/\s/.test(body[start] ?? '')) start++;
  const open = body[start];
  if (open !== '{' && open !== '"') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return body.slice(start, i + 1);
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return body.slice(start, i + 1);
  }
  return undefined;
}

/** Alipay's timestamp: `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function alipayTimestamp(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
