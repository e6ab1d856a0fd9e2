import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import type { SealedTable } from '../store/sealed-table';
import { cursorOf, type EventFeed } from './event-feed';
import type { CardEvent } from './events';
import { cardEventStatuses, cardEventTypes } from './events';

/** `HOSPITAL#<id>#<shard>/EVENT#<time>#<id>`: the event as JSON, as `append` writes it. */
const eventKey = z.object({ sk: attr.text() });
const eventRow = z.object({ sk: attr.text(), event: attr.text() });
const cardEvent = z.object({
  id: attr.text(),
  type: z.enum(cardEventTypes),
  time: attr.text(),
  hospitalId: attr.text(),
  cardId: attr.text(),
  status: z.enum(cardEventStatuses),
  relationship: attr.text(),
});

/** Hospitals that cannot take webhooks read the same events here for a week. */
const FEED_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

/**
 * `HOSPITAL#<id>#<shard>` / `EVENT#<time>#<event id>`: written once per event (a retried write
 * puts the same item), kept a week by TTL; reads skip expired items, since TTL deletes late. A
 * hospital's events are spread over FEED_SHARDS partitions by event id (a rush of new cards at one
 * hospital would otherwise all land in one), and a read merges them in cursor order.
 */
export class DynamoEventFeed implements EventFeed {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async append(event: CardEvent): Promise<void> {
    const expiresAt = Date.parse(event.time) + FEED_DAYS * DAY_MS;
    const shard = (createHash('sha256').update(event.id).digest()[0] ?? 0) % keys.hospitalFeedShards;
    await this.#table.commit(
      await this.#table.put('event', {
        ...keys.hospitalEvent(event.hospitalId, shard, cursorOf(event)),
        event: JSON.stringify(event),
        expiresAt,
        ttl: Math.ceil(expiresAt / 1000),
      }),
    );
  }

  /**
   * A k-way merge: each shard gives its next `limit` events after the cursor; a shard that had
   * more stops the merge at its last key, so no event is skipped between pages.
   */
  async list(hospitalId: string, options: { after?: string | undefined; limit: number; now: number }) {
    const after = `${keys.hospitalEventPrefix}${options.after ?? ''}`;
    const pages = await Promise.all(
      keys.hospitalFeedPartitions(hospitalId).map((pk) =>
        this.#table.query({
          pk,
          skAbove: after,
          above: { attribute: 'expiresAt', value: options.now },
          limit: options.limit,
        }),
      ),
    );
    const bounds = pages.flatMap((page) =>
      page.next ? [parseRow('hospitalEvent', eventKey, page.next).sk] : [],
    );
    const bound = bounds.sort()[0];
    const merged = pages
      .flatMap((page) => page.items.map(({ item }) => parseRow('hospitalEvent', eventRow, item)))
      .filter((e) => bound === undefined || e.sk <= bound)
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .slice(0, options.limit);
    const events = merged.map((e) => parseRow('hospitalEvent', cardEvent, JSON.parse(e.event)));
    const lastSk = merged.at(-1)?.sk ?? bound;
    const more = merged.length === options.limit || bound !== undefined;
    return { events, next: more && lastSk ? lastSk.slice(keys.hospitalEventPrefix.length) : null };
  }
}
