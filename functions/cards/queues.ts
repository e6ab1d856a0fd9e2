import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../core/logger';

/** A queue of delayed jobs: HIS registrations and webhook deliveries. */
export interface JobQueue<T> {
  enqueue(job: T, delaySeconds: number): Promise<void>;
}

/** SQS in AWS: a worker function consumes it; a message that keeps failing goes to the DLQ. */
export class SqsJobQueue<T> implements JobQueue<T> {
  readonly #sqs: Pick<SQSClient, 'send'>;
  readonly #url: string;

  constructor(sqs: Pick<SQSClient, 'send'>, url: string) {
    this.#sqs = sqs;
    this.#url = url;
  }

  async enqueue(job: T, delaySeconds: number): Promise<void> {
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
 * when `npm start` stops, which is acceptable on a developer's machine.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  readonly #run: (job: T) => Promise<unknown>;

  constructor(run: (job: T) => Promise<unknown>) {
    this.#run = run;
  }

  async enqueue(job: T, delaySeconds: number): Promise<void> {
    const timer = setTimeout(() => {
      this.#run(job).catch((error: unknown) => logger.error('local worker failed', error as Error));
    }, delaySeconds * 1000);
    timer.unref();
  }
}
