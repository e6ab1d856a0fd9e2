import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit chain, built off the request path by one ordered writer (the table's stream): each
 * block names the entries that arrived in one batch, in order, and carries the previous block's
 * hash; `hash` = HMAC(audit key, canonical JSON of the block without it). A day's blocks are
 * numbered from 1, the first linking to the previous day's last, and the day's head names the
 * newest. So an entry deleted after it was chained leaves its block pointing at nothing, a
 * deleted, edited or reordered block breaks the numbering or a link, and a deleted newest block
 * disagrees with the head.
 */
export interface EntryRef {
  /** The entry's partition key (`AUDIT#<day>#<shard>`) and sort key. */
  readonly pk: string;
  readonly sk: string;
  readonly mac: string;
}

export interface ChainBlock {
  readonly day: string;
  readonly seq: number;
  readonly prev: string;
  /** `<pk> <sk> <first 22 characters of the entry's MAC>` (132 bits), in stream order. */
  readonly refs: readonly string[];
  /** Epoch ms the block was written. */
  readonly at: number;
  readonly hash: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

const REF_MAC_LENGTH = 22;

export function encodeRef(ref: EntryRef): string {
  return `${ref.pk} ${ref.sk} ${ref.mac.slice(0, REF_MAC_LENGTH)}`;
}

export function decodeRef(encoded: string): { pk: string; sk: string; macPrefix: string } | undefined {
  const [pk, sk, macPrefix, ...rest] = encoded.split(' ');
  if (!pk || !sk || !macPrefix || rest.length > 0) return undefined;
  return { pk, sk, macPrefix };
}

export function refMatches(macPrefix: string, mac: string): boolean {
  return mac.slice(0, REF_MAC_LENGTH) === macPrefix;
}

export function blockHash(key: Uint8Array, block: Omit<ChainBlock, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...body } = block;
  const { day, seq, prev, refs, at } = body;
  return createHmac('sha256', key)
    .update(canonicalize({ day, seq, prev, refs, at }) ?? '')
    .digest('base64url');
}

/**
 * The block after `head` (or the day's first, linked to `previousDay`, the prior day's head).
 */
export function nextBlock(
  key: Uint8Array,
  input: {
    day: string;
    head: ChainHead | undefined;
    previousDay: ChainHead | undefined;
    refs: readonly EntryRef[];
    at: number;
  },
): ChainBlock {
  const body = {
    day: input.day,
    seq: (input.head?.seq ?? 0) + 1,
    prev: input.head?.hash ?? input.previousDay?.hash ?? '',
    refs: input.refs.map(encodeRef),
    at: input.at,
  };
  return { ...body, hash: blockHash(key, body) };
}

export type ChainProblem =
  | { readonly kind: 'block_missing'; readonly day: string; readonly seq: number }
  | { readonly kind: 'block_edited'; readonly day: string; readonly seq: number }
  | { readonly kind: 'block_relinked'; readonly day: string; readonly seq: number }
  | { readonly kind: 'head_mismatch'; readonly day: string; readonly seq: number };

/**
 * Checks one day's blocks (any order) against each other, their keys' sequence numbers, the
 * day's head and, when known, the previous day's head (`undefined`: not checked).
 */
export function verifyDayChain(
  key: Uint8Array,
  day: string,
  stored: ReadonlyArray<{ readonly keySeq: number; readonly block: ChainBlock }>,
  head: ChainHead | undefined,
  previousDay: ChainHead | null | undefined,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const ordered = [...stored].sort((a, b) => a.keySeq - b.keySeq);
  let prevHash: string | undefined = previousDay === undefined ? undefined : (previousDay?.hash ?? '');
  let expected = 1;
  for (const { keySeq, block } of ordered) {
    if (keySeq !== expected) {
      problems.push({ kind: 'block_missing', day, seq: expected });
      expected = keySeq;
      prevHash = undefined;
    }
    if (block.seq !== keySeq || block.day !== day || blockHash(key, block) !== block.hash) {
      problems.push({ kind: 'block_edited', day, seq: keySeq });
    } else if (prevHash !== undefined && block.prev !== prevHash) {
      problems.push({ kind: 'block_relinked', day, seq: keySeq });
    }
    prevHash = block.hash;
    expected++;
  }
  const last = ordered.at(-1);
  const headSeq = head?.seq ?? 0;
  if (headSeq !== (last?.keySeq ?? 0) || (head?.hash ?? '') !== (last?.block.hash ?? '')) {
    problems.push({ kind: 'head_mismatch', day, seq: Math.max(headSeq, last?.keySeq ?? 0) });
  }
  return problems;
}
