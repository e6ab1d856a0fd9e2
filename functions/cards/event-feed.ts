import type { Clock } from '../core/clock';
import type { CardEvent } from './events';

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

export const cursorOf = (event: Pick<CardEvent, 'time' | 'id'>) => `${event.time}#${event.id}`;

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
