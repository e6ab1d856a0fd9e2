import type { HitOutcome, RateLimiter, RateWindowKey } from './ports';

/**
 * One of a day's counters for a ceiling everybody shares (all SMS sends, all face checks): the
 * ceiling split over `shards` partitions, one picked at random, so no partition takes every
 * request (DynamoDB gives one partition 1,000 writes a second).
 */
export function shardedDailyWindow(
  scope: string,
  ceiling: number,
  shards: number,
  random: { int(min: number, max: number): number },
): RateWindowKey & { seconds: number; max: number } {
  return { scope, key: String(random.int(0, shards)), seconds: 86_400, max: Math.ceil(ceiling / shards) };
}

/**
 * Counts a request in every window at once (one round trip), and says which window refused, if
 * any. `giveBack` returns the counts the windows took, for a request that does not go ahead.
 */
export async function hitAll<W extends RateWindowKey & { seconds: number; max: number }>(
  limiter: RateLimiter,
  windows: readonly W[],
  now: number,
): Promise<{
  hits: HitOutcome[];
  refused: { window: W; retryAfter: number } | undefined;
  giveBack(): Promise<void>;
}> {
  const hits = await Promise.all(windows.map((window) => limiter.hit(window, now)));
  const index = hits.findIndex((hit) => !hit.allowed);
  const refusedHit = hits[index] as Extract<HitOutcome, { allowed: false }> | undefined;
  return {
    hits,
    refused: refusedHit ? { window: windows[index] as W, retryAfter: refusedHit.retryAfter } : undefined,
    giveBack: async () => {
      await Promise.all(
        windows.filter((_, i) => hits[i]?.allowed).map((window) => limiter.undo(window, now)),
      );
    },
  };
}
