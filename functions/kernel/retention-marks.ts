import { createHash } from 'node:crypto';
import { keys, kinds, PURGE_SHARDS } from '../store/keys';

/**
 * Retention periods fixed by law rather than by stage, and the attributes that put an item on
 * the retention job's list (the sparse `purgeByDay` index).
 */
const DAY_MS = 24 * 3600 * 1000;

/** Browsing and access records (IP prefix, user agent, when used) are kept at most 30 days. */
export const ACCESS_RECORD_DAYS = 30;

/**
 * `purgeDay`/`purgeAt`: the retention job acts on the item at that moment. A day's marks are
 * spread over index partitions by the item's own partition key, so a burst of consents in one
 * day never makes one index partition take them all.
 */
function purgeMark(at: number, itemPk: string): { purgeDay: string; purgeAt: string } {
  const iso = new Date(at).toISOString();
  const shard = (createHash('sha256').update(itemPk).digest()[0] as number) % PURGE_SHARDS;
  return { purgeDay: keys.purgeDay(iso.slice(0, 10), shard), purgeAt: iso };
}

/** A record whose access data (IP prefix, user agent) must go 30 days after `at`. */
export function accessDataMark(at: number, itemPk: string) {
  return purgeMark(at + ACCESS_RECORD_DAYS * DAY_MS, itemPk);
}

/** Until when a record kept after deletion (consent proof, a completed request) stays, storage-only. */
export function storageOnlyUntil(now: number): number {
  return now + kinds.consent.onAccountDeletion.keepDays * DAY_MS;
}
