import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedriveError, redrive } from '../../../bin/ops/dlq-redrive';

const base = 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012';
const DLQ = `${base}/WebhookDeadLetters`;
const SOURCE = `${base}/WebhookQueue`;
const sqsMock = mockClient(SQSClient);

/** A dead-letter queue held in memory: received messages are hidden until deleted. */
let waiting: Message[];
let inFlight: Map<string, Message>;
let sent: Array<{ queue: string; body: string; attributes: unknown }>;
let failSendOf: Set<string>;
let failDeleteOf: Set<string>;

beforeEach(() => {
  waiting = Array.from({ length: 23 }, (_, i) => ({
    MessageId: `m${i}`,
    Body: JSON.stringify({ n: i }),
    ReceiptHandle: `r${i}`,
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: 'webhook', StringListValues: [], BinaryListValues: [] },
    },
  }));
  inFlight = new Map();
  sent = [];
  failSendOf = new Set();
  failDeleteOf = new Set();
  sqsMock.reset();
  sqsMock.on(GetQueueUrlCommand).callsFake(({ QueueName }) => ({ QueueUrl: `${base}/${QueueName}` }));
  sqsMock
    .on(GetQueueAttributesCommand)
    .callsFake(() => ({ Attributes: { ApproximateNumberOfMessages: String(waiting.length) } }));
  sqsMock.on(ListDeadLetterSourceQueuesCommand).callsFake(({ QueueUrl }) => ({
    queueUrls: QueueUrl === DLQ ? [SOURCE] : [],
  }));
  sqsMock.on(ReceiveMessageCommand).callsFake(({ QueueUrl, MaxNumberOfMessages }) => {
    expect(QueueUrl).toBe(DLQ);
    const batch = waiting.splice(0, MaxNumberOfMessages ?? 1);
    for (const m of batch) inFlight.set(m.ReceiptHandle as string, m);
    return { Messages: batch };
  });
  sqsMock.on(SendMessageBatchCommand).callsFake(({ QueueUrl, Entries }) => {
    const Successful = [];
    const Failed = [];
    for (const entry of Entries) {
      if (failSendOf.has(entry.MessageBody)) {
        Failed.push({ Id: entry.Id, Code: 'InternalError', SenderFault: false });
        continue;
      }
      sent.push({ queue: QueueUrl, body: entry.MessageBody, attributes: entry.MessageAttributes });
      Successful.push({ Id: entry.Id, MessageId: `new-${entry.Id}`, MD5OfMessageBody: 'x' });
    }
    return { Successful, Failed };
  });
  sqsMock.on(DeleteMessageBatchCommand).callsFake(({ QueueUrl, Entries }) => {
    expect(QueueUrl).toBe(DLQ);
    const Successful = [];
    const Failed = [];
    for (const entry of Entries) {
      if (failDeleteOf.has(entry.ReceiptHandle)) {
        Failed.push({ Id: entry.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true });
        continue;
      }
      inFlight.delete(entry.ReceiptHandle);
      Successful.push({ Id: entry.Id });
    }
    return { Successful, Failed };
  });
});
afterEach(() => sqsMock.reset());

const sqs = () => new SQSClient({ region: 'cn-north-1' });
const fast = { waitSeconds: 0, emptyReceives: 1 };

describe('npm run dlq:redrive', () => {
  it('moves every message to the queue whose redrive policy names the dead letters, then deletes it', async () => {
    const report = await redrive(sqs(), { queue: 'WebhookDeadLetters', dryRun: false, max: 1000, ...fast });
    expect(report).toMatchObject({
      from: DLQ,
      to: SOURCE,
      waiting: 23,
      received: 23,
      moved: 23,
      failed: 0,
      notDeleted: 0,
    });
    expect(sent.map((s) => JSON.parse(s.body).n)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(new Set(sent.map((s) => s.queue))).toEqual(new Set([SOURCE]));
    // Attributes kept, without the reserved list fields SendMessage refuses.
    expect(sent[0]?.attributes).toEqual({ kind: { DataType: 'String', StringValue: 'webhook' } });
    expect(inFlight.size).toBe(0);
    // Never more than 10 a batch (the SQS limit).
    for (const call of sqsMock.commandCalls(SendMessageBatchCommand))
      expect(call.args[0].input.Entries?.length).toBeLessThanOrEqual(10);
  });

  it('deletes only what was sent: a failed send stays in the dead letters', async () => {
    failSendOf.add(JSON.stringify({ n: 4 }));
    const report = await redrive(sqs(), { queue: DLQ, dryRun: false, max: 1000, ...fast });
    expect(report).toMatchObject({ received: 23, moved: 22, failed: 1, notDeleted: 0 });
    expect([...inFlight.values()].map((m) => m.MessageId)).toEqual(['m4']);
    const deleted = sqsMock
      .commandCalls(DeleteMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(deleted.map((e) => e.ReceiptHandle)).not.toContain('r4');
  });

  it('reports a message sent but not deleted (it will arrive twice)', async () => {
    failDeleteOf.add('r7');
    const report = await redrive(sqs(), { queue: DLQ, dryRun: false, max: 1000, ...fast });
    expect(report).toMatchObject({ moved: 22, notDeleted: 1, failed: 0 });
  });

  it('stops at --max', async () => {
    const report = await redrive(sqs(), { queue: DLQ, dryRun: false, max: 12, ...fast });
    expect(report).toMatchObject({ received: 12, moved: 12 });
    expect(waiting).toHaveLength(11);
    const asked = sqsMock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages);
    expect(asked).toEqual([10, 2]);
  });

  it('in a dry run only counts and resolves the source: nothing received, sent or deleted', async () => {
    const report = await redrive(sqs(), { queue: 'WebhookDeadLetters', dryRun: true, max: 1000, ...fast });
    expect(report).toMatchObject({ from: DLQ, to: SOURCE, waiting: 23, received: 0, moved: 0, dryRun: true });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('refuses a dead-letter queue that belongs to no queue unless --to names one', async () => {
    await expect(
      redrive(sqs(), { queue: 'StreamDeadLetters', dryRun: true, max: 10, ...fast }),
    ).rejects.toThrow(RedriveError);
    await expect(
      redrive(sqs(), { queue: 'StreamDeadLetters', dryRun: true, max: 10, ...fast }),
    ).rejects.toThrow(/no queue's dead-letter queue/);
    sqsMock.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [SOURCE, `${base}/Other`] });
    await expect(redrive(sqs(), { queue: DLQ, dryRun: true, max: 10, ...fast })).rejects.toThrow(
      /choose one with --to/,
    );
    const report = await redrive(sqs(), { queue: DLQ, to: 'Other', dryRun: false, max: 5, ...fast });
    expect(report.to).toBe(`${base}/Other`);
    expect(new Set(sent.map((s) => s.queue))).toEqual(new Set([`${base}/Other`]));
  });
});
