import { createHash } from 'node:crypto';
import type { CardsConfig } from '../core/config';
import type { TableChange } from '../store/stream-records';
import type { CardEvent, CardEventPublisher, CardEventType } from './events';
import type { RegistrationQueue } from './ports';

export interface CardChangeDeps {
  readonly config: CardsConfig;
  readonly events: CardEventPublisher;
  readonly queue: RegistrationQueue;
}

/** What a committed change of a card item means for its hospital: an event, or none. */
export function cardEventOf(change: TableChange): CardEvent | undefined {
  const before = change.before;
  const after = change.after;
  let type: CardEventType | undefined;
  // A binding never proven was never the hospital's to know: its removal is no event either.
  if (change.kind === 'remove' && before && before.status !== 'awaiting_proof') type = 'card.unbound';
  else if (change.kind === 'modify' && before && after) {
    if ((before.status === 'pending' || before.status === 'awaiting_proof') && after.status === 'active')
      type = 'card.created';
    else if (before.status === 'pending' && after.status === 'failed') type = 'card.registration_failed';
    // An active card is only ever rewritten by a change of its phone or insurance.
    else if (before.status === 'active' && after.status === 'active') type = 'card.updated';
  }
  const card = after ?? before;
  if (!type || !card) return undefined;
  return {
    // From the stream record's id: a retried batch publishes the same event id, receivers deduplicate.
    id: createHash('sha256').update(change.id).digest('base64url').slice(0, 22),
    type,
    time: new Date(type === 'card.unbound' ? change.at : Number(card.updatedAt)).toISOString(),
    hospitalId: String(card.hospitalId),
    cardId: String(card.cardId),
    status: type === 'card.unbound' ? 'unbound' : (card.status as CardEvent['status']),
    relationship: String(card.relationship),
  };
}

/**
 * Follows committed card changes (the table's stream), so no follow-up depends on a second write
 * after the change succeeding:
 * 1. a new card, created `pending`, gets its registration job: if the create request's own
 *    attempt registered it by then, the job finds it active and stops;
 * 2. a card that became active or failed, changed or went is published to its hospital.
 * Throws on the first failure so the batch is retried (jobs and events are idempotent by id).
 */
export async function followCardChanges(
  deps: CardChangeDeps,
  changes: readonly TableChange[],
): Promise<void> {
  for (const change of changes) {
    if (change.kind === 'insert' && change.after?.status === 'pending') {
      await deps.queue.enqueue(
        { userId: String(change.after.userId), cardId: String(change.after.cardId), attempt: 2 },
        deps.config.registration.baseDelaySeconds,
      );
      continue;
    }
    const event = cardEventOf(change);
    if (event) await deps.events.publish(event);
  }
}
