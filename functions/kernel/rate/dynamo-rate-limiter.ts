import * as z from 'zod/mini';
import { keys } from '../../store/keys';
import { attr, parseRow } from '../../store/rows';
import type { SealedTable } from '../../store/sealed-table';
import type { HitOutcome, RateLimiter, RateWindowKey } from './ports';

/** `RATE#<scope>#<key>/<window>`: the window's count (absent before its first hit). */
const counted = z.object({ count: attr.optional(attr.number()) });

/**
 * Fixed-window counters, one item per key and window start, incremented with a conditional
 * `ADD` so that concurrent requests on any number of instances never count past the limit.
 * Items expire by TTL a window after they close.
 */
export class DynamoRateLimiter implements RateLimiter {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  #window(window: RateWindowKey, now: number) {
    const start = Math.floor(now / 1000 / window.seconds) * window.seconds;
    const retryAfter = Math.max(1, start + window.seconds - Math.floor(now / 1000));
    return {
      start,
      retryAfter,
      key: keys.rateWindow(window.scope, window.key, window.seconds, start, window.subKey),
    };
  }

  async hit(window: RateWindowKey, now: number): Promise<HitOutcome> {
    const { start, retryAfter, key } = this.#window(window, now);
    const outcome = await this.#table.commit(
      await this.#table.update(
        'hit',
        key,
        { add: { count: 1 }, set: { ttl: start + 2 * window.seconds } },
        {
          condition: {
            expression: 'attribute_not_exists(#c) OR #c < :max',
            names: { '#c': 'count' },
            values: { ':max': window.max },
          },
        },
      ),
      { returns: 'updated' },
    );
    if (!outcome.ok) return { allowed: false, retryAfter };
    return { allowed: true, count: parseRow('rateWindow', counted, outcome.attributes ?? {}).count ?? 1 };
  }

  async peek(window: RateWindowKey, now: number, options: { eventual?: boolean } = {}): Promise<HitOutcome> {
    const { retryAfter, key } = this.#window(window, now);
    const stored = await this.#table.get(key, options.eventual ? { consistent: false } : {});
    const count = (stored && parseRow('rateWindow', counted, stored.item).count) ?? 0;
    return count < window.max ? { allowed: true, count } : { allowed: false, retryAfter };
  }

  async undo(window: RateWindowKey, now: number): Promise<void> {
    const { key } = this.#window(window, now);
    await this.#table.commit(
      await this.#table.update(
        'undo',
        key,
        { add: { count: -1 } },
        { condition: { expression: '#c > :zero', names: { '#c': 'count' }, values: { ':zero': 0 } } },
      ),
    );
  }
}
