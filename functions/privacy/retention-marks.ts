/**
 * Retention periods fixed by law rather than by stage, and the attributes that put an item on
 * the retention job's list (the sparse `purgeByDay` index).
 */
const DAY_MS = 24 * 3600 * 1000;

/** Browsing and access records (IP prefix, user agent, when used) are kept at most 30 days. */
export const ACCESS_RECORD_DAYS = 30;
/** After deletion, consent proof is kept storage-only for the three-year limitation period (Civil Code art. 188). */
export const STORAGE_ONLY_DAYS = 3 * 365;

/** `purgeDay`/`purgeAt`: the retention job acts on the item at that moment. */
function purgeMark(at: number): { purgeDay: string; purgeAt: string } {
  const iso = new Date(at).toISOString();
  return { purgeDay: iso.slice(0, 10), purgeAt: iso };
}

/** A record whose access data (IP prefix, user agent) must go 30 days after `at`. */
export function accessDataMark(at: number) {
  return purgeMark(at + ACCESS_RECORD_DAYS * DAY_MS);
}

export function storageOnlyUntil(now: number): number {
  return now + STORAGE_ONLY_DAYS * DAY_MS;
}
