import { afterAll, describe, expect, it } from 'vitest';
import { DynamoEventFeed } from '../../../functions/cards/dynamo-event-feed';
import { cursorOf } from '../../../functions/cards/event-feed';
import type { CardEvent } from '../../../functions/cards/events';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo } from '../../helpers/dynamo';

const client = localDynamo();
afterAll(() => client.destroy());

const start = Date.parse('2026-11-29T08:00:00Z');
const event = (i: number, hospitalId = 'h-pumch', at = start + i * 997): CardEvent => ({
  id: `event${String(i).padStart(17, '0')}`,
  type: 'card.created',
  time: new Date(at).toISOString(),
  hospitalId,
  cardId: `card${i}`,
  status: 'active',
  relationship: '01',
});

describe('hospital event feed', () => {
  it('pages through events spread over its partitions in cursor order, none skipped or repeated', async () => {
    const feed = new DynamoEventFeed(
      new SealedTable({ client, tableName: await freshTable(client, 'feed') }),
    );
    const written = Array.from({ length: 60 }, (_, i) => event(i));
    // Written out of order, as parallel webhook deliveries do, with another hospital's in between.
    await Promise.all([...written].reverse().map((e) => feed.append(e)));
    await Promise.all([0, 1, 2].map((i) => feed.append(event(100 + i, 'h-renji'))));
    const seen: CardEvent[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { events, next } = await feed.list('h-pumch', { after, limit: 7, now: start });
      seen.push(...events);
      if (next === null) break;
      after = next;
    }
    expect(seen.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(seen.every((e) => e.hospitalId === 'h-pumch')).toBe(true);
    // After the last cursor there is nothing until a new event comes.
    const last = cursorOf(written.at(-1) as CardEvent);
    expect(await feed.list('h-pumch', { after: last, limit: 7, now: start })).toEqual({
      events: [],
      next: null,
    });
    await feed.append(event(61));
    expect(
      (await feed.list('h-pumch', { after: last, limit: 7, now: start })).events.map((e) => e.id),
    ).toEqual([event(61).id]);
  });

  it('leaves out events older than a week, which TTL deletes late', async () => {
    const feed = new DynamoEventFeed(
      new SealedTable({ client, tableName: await freshTable(client, 'feed') }),
    );
    await feed.append(event(1));
    await feed.append(event(2, 'h-pumch', start + 8 * 86_400_000));
    const { events } = await feed.list('h-pumch', { limit: 10, now: start + 7.5 * 86_400_000 });
    expect(events.map((e) => e.cardId)).toEqual(['card2']);
  });
});
