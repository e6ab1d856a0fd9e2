import { createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * An audit entry is written in the same transaction as the change it records, so it stands on
 * its own: its `mac` is an HMAC under the audit key over the canonical JSON (RFC 8785) of every
 * other attribute, keys included. Editing, moving (re-keying) or forging an entry without the key
 * shows; deleting one shows once the chain (audit-chain.ts) has named it.
 */
export interface AuditEvent {
  readonly event: string;
  readonly userId?: string | undefined;
  readonly sessionId?: string | undefined;
  /** Non-sensitive detail: codes, counts, a blind-index token at most. */
  readonly detail?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * Entries are spread over this many partitions a day (`AUDIT#<day>#<shard>`, the shard drawn at
 * random), so at 10,000 audited requests a second each takes about 160 writes a second.
 */
export const AUDIT_SHARDS = 64;
/** Audit entries are kept three years (PIPL art. 54 audits; Cybersecurity Law logs >= 6 months). */
export const AUDIT_RETENTION_SECONDS = 3 * 365 * 24 * 3600;

export function entryMac(key: Uint8Array, item: Readonly<Record<string, unknown>>): string {
  const { mac: _ignored, ...body } = item;
  return createHmac('sha256', key)
    .update(canonicalize(body) ?? '')
    .digest('base64url');
}

export function macMatches(key: Uint8Array, item: Readonly<Record<string, unknown>>): boolean {
  const expected = Buffer.from(entryMac(key, item));
  const actual = Buffer.from(String(item.mac ?? ''));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The day (UTC, `YYYY-MM-DD`) an entry or block belongs to, from its epoch-ms time. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
