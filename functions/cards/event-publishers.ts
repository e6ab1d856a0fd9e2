import type { JobQueue } from '../providers/jobs/ports';
import type { CardEvent, CardEventPublisher } from './events';
import type { WebhookJob } from './webhooks';

/** Locally there is no bus: events go straight to webhook delivery. */
export class DirectWebhookCardEvents implements CardEventPublisher {
  readonly #queue: JobQueue<WebhookJob>;

  constructor(queue: JobQueue<WebhookJob>) {
    this.#queue = queue;
  }

  async publish(event: CardEvent): Promise<void> {
    await this.#queue.enqueue({ event, attempt: 1 }, 0);
  }
}
