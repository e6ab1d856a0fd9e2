import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit trail is a keyed hash chain per partition (`AUDIT#<day>#<shard>`): each entry stores
 * `seq`, the previous entry's `hash`, and its own `hash` = HMAC(key, prev, canonical JSON of every
 * other attribute). Editing an entry breaks its hash, deleting one leaves a gap in `seq`, and
 * dropping the newest disagrees with the partition's head. The key (derived from the application
 * secret) is what stops someone with table write access from re-chaining after an edit.
 */
export type AuditItem = Record<string, unknown> & { readonly seq: number; readonly prev: string };

export function chainHash(key: Uint8Array, item: Record<string, unknown>): string {
  const { hash: _ignored, ...body } = item;
  return createHmac('sha256', key)
    .update(canonicalize(body) ?? '')
    .digest('base64url');
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export type ChainVerdict =
  | { readonly ok: true; readonly entries: number }
  | {
      readonly ok: false;
      readonly entries: number;
      readonly seq: number;
      readonly problem: 'edited' | 'missing' | 'relinked' | 'head_mismatch';
    };

/** Checks one partition's entries (any order) against each other and the partition head. */
export function verifyChain(
  key: Uint8Array,
  items: readonly Record<string, unknown>[],
  head: ChainHead | undefined,
): ChainVerdict {
  const chain = [...items].sort((a, b) => Number(a.seq) - Number(b.seq));
  let prev = '';
  for (const [index, item] of chain.entries()) {
    const seq = Number(item.seq);
    const fail = (problem: Extract<ChainVerdict, { ok: false }>['problem'], at = seq) =>
      ({ ok: false, entries: chain.length, seq: at, problem }) as const;
    if (seq !== index + 1) return fail('missing', index + 1);
    if (item.prev !== prev) return fail('relinked');
    if (chainHash(key, item) !== item.hash) return fail('edited');
    prev = String(item.hash);
  }
  const last = chain.length;
  if ((head?.seq ?? 0) !== last || (head?.hash ?? '') !== prev) {
    return { ok: false, entries: last, seq: last + 1, problem: 'head_mismatch' };
  }
  return { ok: true, entries: last };
}
