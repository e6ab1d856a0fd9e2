import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CardEvent } from '../cards/events';
import type { Clock } from '../core/clock';

/** Hospitals that cannot take webhooks read the same events here for a week. */
const FEED_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

/** Port: each hospital's card events in order, for `GET /v1/hospital/events`. */
export interface EventFeed {
  append(event: CardEvent): Promise<void>;
  /** Events after `cursor` (exclusive), oldest first, at most `limit`. */
  list(
    hospitalId: string,
    options: { after?: string | undefined; limit: number; now: number },
  ): Promise<{
    events: CardEvent[];
    next: string | null;
  }>;
}

const cursorOf = (event: Pick<CardEvent, 'time' | 'id'>) => `${event.time}#${event.id}`;

/**
 * `HOSPITAL#<id>` / `EVENT#<time>#<event id>`: written once per event (a retried write puts the
 * same item), kept a week by TTL; reads skip expired items, since TTL deletes late.
 */
export class DynamoEventFeed implements EventFeed {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async append(event: CardEvent): Promise<void> {
    const expiresAt = Date.parse(event.time) + FEED_DAYS * DAY_MS;
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#tableName,
        Item: marshall({
          pk: `HOSPITAL#${event.hospitalId}`,
          sk: `EVENT#${cursorOf(event)}`,
          event: JSON.stringify(event),
          expiresAt,
          ttl: Math.ceil(expiresAt / 1000),
        }),
      }),
    );
  }

  async list(hospitalId: string, options: { after?: string | undefined; limit: number; now: number }) {
    const pk = `HOSPITAL#${hospitalId}`;
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: marshall({ ':pk': pk, ':prefix': 'EVENT#', ':now': options.now }),
        ...(options.after ? { ExclusiveStartKey: marshall({ pk, sk: `EVENT#${options.after}` }) } : {}),
        Limit: options.limit,
      }),
    );
    const events = (out.Items ?? []).map((raw) => JSON.parse(String(unmarshall(raw).event)) as CardEvent);
    const last = out.LastEvaluatedKey
      ? String(unmarshall(out.LastEvaluatedKey).sk).slice('EVENT#'.length)
      : null;
    return { events, next: last };
  }
}

export interface EventFeedDeps {
  readonly clock: Clock;
  readonly feed: EventFeed;
}

/**
 * A hospital's card events after its cursor: the pull side of the webhooks, for systems behind a
 * firewall. Ids and codes only, like the webhooks; `next` is the cursor to send next time.
 */
export async function listHospitalEvents(
  deps: EventFeedDeps,
  hospital: { hospitalId: string },
  query: { after?: string | undefined; limit?: number | undefined },
) {
  const page = await deps.feed.list(hospital.hospitalId, {
    after: query.after,
    limit: query.limit ?? 100,
    now: deps.clock.now().getTime(),
  });
  // A full page may have more behind it; a short one is the end for now (poll again with the last cursor).
  const lastEvent = page.events[page.events.length - 1];
  return {
    events: page.events,
    next: page.next ?? (lastEvent ? cursorOf(lastEvent) : (query.after ?? null)),
  };
}
