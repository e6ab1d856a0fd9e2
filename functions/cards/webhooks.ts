import type { Clock } from '../core/clock';
import type { HospitalConfig } from '../core/config';
import { logger } from '../core/logger';
import type { JobQueue } from '../providers/jobs/ports';
import type { EventFeed } from './event-feed';
import { type CardEvent, webhookSignature } from './events';

export interface WebhookJob {
  readonly event: CardEvent;
  readonly attempt: number;
}

/** Port: events no attempt delivered, kept for an operator. */
export interface WebhookDeadLetters {
  put(job: WebhookJob, reason: string): Promise<void>;
}

export interface WebhookDeps {
  readonly hospitals: readonly HospitalConfig[];
  readonly clock: Clock;
  readonly queue: JobQueue<WebhookJob>;
  /** The hospital's webhook URL (config, or the local receiver under `npm start`). */
  url(hospitalId: string): string | undefined;
  secret(hospitalId: string): string | undefined;
  readonly deadLetters: WebhookDeadLetters;
  /** The hospital's pull feed: every event goes there too, whether or not it has a webhook. */
  readonly feed: Pick<EventFeed, 'append'>;
  readonly maxAttempts: number;
}

/**
 * One delivery attempt of a card event to its hospital's webhook: signed, 5 s timeout; a 2xx is
 * done; anything else is tried again with exponential backoff (10 s doubling, at most 1 h) and,
 * after the last attempt, kept in the dead-letter store for an operator.
 */
export async function deliverWebhook(
  deps: WebhookDeps,
  job: WebhookJob,
): Promise<'delivered' | 'retrying' | 'dead' | 'no_webhook'> {
  if (job.attempt === 1) await deps.feed.append(job.event);
  const url = deps.url(job.event.hospitalId);
  const secret = deps.secret(job.event.hospitalId);
  if (!url || !secret) return 'no_webhook';
  const body = JSON.stringify(job.event);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  let failure: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-po-event': job.event.type,
        'x-po-delivery': job.event.id,
        'x-po-attempt': String(job.attempt),
        'x-po-signature': webhookSignature(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (response.ok) return 'delivered';
    failure = `http_${response.status}`;
  } catch (error) {
    failure = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
  }
  if (job.attempt >= deps.maxAttempts) {
    await deps.deadLetters.put(job, failure);
    logger.warn('webhook dead-lettered', {
      eventId: job.event.id,
      hospitalId: job.event.hospitalId,
      reason: failure,
    });
    return 'dead';
  }
  const delay = Math.min(3600, 10 * 2 ** (job.attempt - 1));
  await deps.queue.enqueue({ event: job.event, attempt: job.attempt + 1 }, delay);
  return 'retrying';
}
