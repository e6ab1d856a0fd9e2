import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../core/logger';
import type { RegistrationJob, RegistrationQueue } from './ports';

/** SQS in AWS: the worker function consumes it; a message that keeps failing goes to the DLQ. */
export class SqsRegistrationQueue implements RegistrationQueue {
  readonly #sqs: Pick<SQSClient, 'send'>;
  readonly #url: string;

  constructor(sqs: Pick<SQSClient, 'send'>, url: string) {
    this.#sqs = sqs;
    this.#url = url;
  }

  async enqueue(job: RegistrationJob, delaySeconds: number): Promise<void> {
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.#url,
        MessageBody: JSON.stringify(job),
        // SQS delays at most 15 minutes; longer backoffs are capped there.
        DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
      }),
    );
  }
}

/**
 * The local runtime's queue: the same worker code, run in-process after the delay. Jobs are lost
 * when `npm start` stops; pending cards are picked up again on the next create or by a restart
 * scan in production terms, which locally is acceptable.
 */
export class InProcessRegistrationQueue implements RegistrationQueue {
  readonly #run: (job: RegistrationJob) => Promise<unknown>;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(run: (job: RegistrationJob) => Promise<unknown>) {
    this.#run = run;
  }

  async enqueue(job: RegistrationJob, delaySeconds: number): Promise<void> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#run(job).catch((error: unknown) =>
        logger.error('local registration worker failed', error as Error),
      );
    }, delaySeconds * 1000);
    timer.unref();
    this.#timers.add(timer);
  }
}
