import type { CardEvent } from '../cards/events';
import { keys } from '../store/keys';
import type { SealedTable } from '../store/sealed-table';
import { cursorOf, type EventFeed } from './event-feed';

/** Hospitals that cannot take webhooks read the same events here for a week. */
const FEED_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

/**
 * `HOSPITAL#<id>` / `EVENT#<time>#<event id>`: written once per event (a retried write puts the
 * same item), kept a week by TTL; reads skip expired items, since TTL deletes late.
 */
export class DynamoEventFeed implements EventFeed {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async append(event: CardEvent): Promise<void> {
    const expiresAt = Date.parse(event.time) + FEED_DAYS * DAY_MS;
    await this.#table.commit(
      await this.#table.put('event', {
        ...keys.hospitalEvent(event.hospitalId, cursorOf(event)),
        event: JSON.stringify(event),
        expiresAt,
        ttl: Math.ceil(expiresAt / 1000),
      }),
    );
  }

  async list(hospitalId: string, options: { after?: string | undefined; limit: number; now: number }) {
    const page = await this.#table.query({
      pk: keys.hospitalPartition(hospitalId),
      skPrefix: keys.hospitalEventPrefix,
      above: { attribute: 'expiresAt', value: options.now },
      limit: options.limit,
      ...(options.after ? { after: keys.hospitalEvent(hospitalId, options.after) } : {}),
    });
    const events = page.items.map(({ item }) => JSON.parse(String(item.event)) as CardEvent);
    const last = page.next ? String(page.next.sk).slice(keys.hospitalEventPrefix.length) : null;
    return { events, next: last };
  }
}
