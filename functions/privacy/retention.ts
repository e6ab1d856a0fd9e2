import type { Clock } from '../core/clock';
import { logger } from '../core/logger';
import type { MetricsSink } from '../core/metrics';
import type { RightsRequestStore } from './rights-requests';

const DAY_MS = 24 * 3600 * 1000;
/** The first run (or a lost watermark) looks back this far. */
const FIRST_LOOKBACK_DAYS = 40;

/** An item whose access data falls due for removal, as the sparse `purgeByDay` index lists it. */
export interface DueItem {
  readonly key: { readonly pk: string; readonly sk: string };
  /** The mark it was found by: the removal applies only if it still carries it. */
  readonly purgeAt: string;
}

/** Port: what the retention job reads and changes. */
export interface RetentionStore {
  /** The last day a run finished, if any. */
  watermark(): Promise<string | undefined>;
  setWatermark(day: string, at: number): Promise<void>;
  /** Items marked for `day` whose moment has come by `now`. */
  dueOn(day: string, now: number): Promise<DueItem[]>;
  /** Removes the access data and the mark, if the item still carries `purgeAt`; false otherwise. */
  stripAccessData(item: DueItem): Promise<boolean>;
}

export interface RetentionDeps {
  readonly clock: Clock;
  readonly store: RetentionStore;
  readonly requests: Pick<RightsRequestStore, 'listOpen'>;
  readonly metrics: MetricsSink;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * What TTL cannot express: access data (IP prefix, user agent) inside consent records that stay,
 * removed 30 days after the consent.
 * 1. start from the day the last run finished (or 40 days back);
 * 2. day by day to today, take the items whose moment has come and strip each, if it still
 *    carries the mark it was found by;
 * 3. move the watermark to today, so a missed run catches up.
 * (Whole items with a lifetime, such as sessions, simply carry a TTL.)
 */
export async function purgeExpiredRecords(deps: RetentionDeps): Promise<{ stripped: number }> {
  const now = deps.clock.now().getTime();
  const from = (await deps.store.watermark()) ?? day(now - FIRST_LOOKBACK_DAYS * DAY_MS);
  let stripped = 0;
  for (let d = Date.parse(`${from}T00:00:00Z`); day(d) <= day(now); d += DAY_MS) {
    for (const item of await deps.store.dueOn(day(d), now)) {
      if (await deps.store.stripAccessData(item)) stripped++;
    }
  }
  await deps.store.setWatermark(day(now), now);
  deps.metrics.count('RetentionStripped', stripped);
  return { stripped };
}

/** Open rights requests past their due date: counted as a metric (alarmed) and logged by id. */
export async function reportOverdueRequests(deps: RetentionDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const overdue = (await deps.requests.listOpen()).filter((r) => r.dueAt < now);
  for (const r of overdue) logger.warn('rights request overdue', { requestId: r.requestId, kind: r.kind });
  deps.metrics.count('RightsRequestsOverdue', overdue.length);
  return overdue.length;
}
