import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../jobs/ports';

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
