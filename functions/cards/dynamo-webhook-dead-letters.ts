import type { Clock } from '../core/clock';
import { keys } from '../store/keys';
import type { SealedTable } from '../store/sealed-table';
import type { WebhookDeadLetters, WebhookJob } from './webhooks';

/** Dead letters in the table: `WEBHOOKDEAD#<hospital>` / `<time>#<event id>`, kept 30 days. */
export class DynamoWebhookDeadLetters implements WebhookDeadLetters {
  readonly #table: SealedTable;
  readonly #clock: Clock;

  constructor(table: SealedTable, clock: Clock) {
    this.#table = table;
    this.#clock = clock;
  }

  async put(job: WebhookJob, reason: string): Promise<void> {
    const now = this.#clock.now().getTime();
    await this.#table.commit(
      await this.#table.put('deadLetter', {
        ...keys.webhookDeadLetter(job.event.hospitalId, now, job.event.id),
        event: job.event,
        attempts: job.attempt,
        reason,
        ttl: Math.floor(now / 1000) + 30 * 86_400,
      }),
    );
  }
}
