import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveOptions {
  /** The dead-letter queue: its name or URL. */
  readonly queue: string;
  /** Where to send the messages: by default the one queue whose redrive policy names the dead-letter queue. */
  readonly to?: string | undefined;
  readonly dryRun: boolean;
  /** Stop after this many messages. */
  readonly max: number;
  /** Messages received are hidden this long; one that fails to move reappears after it. */
  readonly visibilitySeconds?: number;
  /** Empty receives in a row (long polls of `waitSeconds`) that mean the queue is drained. */
  readonly emptyReceives?: number;
  readonly waitSeconds?: number;
}

export interface RedriveReport {
  readonly from: string;
  readonly to: string;
  /** ApproximateNumberOfMessages before the run. */
  readonly waiting: number;
  readonly received: number;
  readonly moved: number;
  /** Sent to the source queue but not deleted from the dead letters: they will be moved again (duplicates). */
  readonly notDeleted: number;
  /** Not sent: still in the dead-letter queue, visible again after the visibility timeout. */
  readonly failed: number;
  readonly dryRun: boolean;
}

/**
 * Moves messages from a dead-letter queue back to its source queue: receive, send, and only then
 * delete. The China regions have no SQS dead-letter redrive (StartMessageMoveTask), so operators
 * run this (`npm run dlq:redrive`). A dry run only counts and resolves the source.
 */
export async function redrive(sqs: SQSClient, options: RedriveOptions): Promise<RedriveReport> {
  const from = await queueUrl(sqs, options.queue);
  const to = options.to ? await queueUrl(sqs, options.to) : await sourceOf(sqs, from, options.queue);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: from, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const waiting = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
  const report = {
    from,
    to,
    waiting,
    received: 0,
    moved: 0,
    notDeleted: 0,
    failed: 0,
    dryRun: options.dryRun,
  };
  if (options.dryRun) return report;

  let empty = 0;
  while (report.received < options.max && empty < (options.emptyReceives ?? 2)) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(10, options.max - report.received),
        WaitTimeSeconds: options.waitSeconds ?? 2,
        VisibilityTimeout: options.visibilitySeconds ?? 120,
        MessageAttributeNames: ['All'],
      }),
    );
    if (messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    report.received += messages.length;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: to,
        Entries: messages.map((message, i) => ({
          Id: String(i),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: attributesOf(message) } : {}),
        })),
      }),
    );
    const moved = (sent.Successful ?? []).map((entry) => messages[Number(entry.Id)] as Message);
    report.failed += messages.length - moved.length;
    if (moved.length === 0) continue;
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: from,
        Entries: moved.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    const deletedCount = deleted.Successful?.length ?? 0;
    report.moved += deletedCount;
    report.notDeleted += moved.length - deletedCount;
  }
  return report;
}

async function queueUrl(sqs: SQSClient, nameOrUrl: string): Promise<string> {
  if (/^https:\/\//.test(nameOrUrl)) return nameOrUrl;
  const found = await sqs.send(new GetQueueUrlCommand({ QueueName: nameOrUrl }));
  if (!found.QueueUrl) throw new RedriveError(`no queue named ${nameOrUrl}`);
  return found.QueueUrl;
}

async function sourceOf(sqs: SQSClient, deadLetters: string, name: string): Promise<string> {
  const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: deadLetters }));
  if (queueUrls.length === 1) return queueUrls[0] as string;
  if (queueUrls.length === 0)
    throw new RedriveError(
      `${name} is no queue's dead-letter queue: it collects failed Lambda runs or stream batch positions, which are not redriven to a queue (docs/deploy-china.md, "Dead letters"). Name a target with --to if you mean one.`,
    );
  throw new RedriveError(
    `${name} is the dead-letter queue of ${queueUrls.length} queues: choose one with --to`,
  );
}

/** Message attributes as SendMessage takes them (the list fields are reserved and refused). */
function attributesOf(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
      },
    ]),
  );
}

/** A refusal for the operator (exit 2), not a crash. */
export class RedriveError extends Error {}
