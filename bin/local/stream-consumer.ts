import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type FilterPattern, matchesFilter } from '../../functions/store/stream-records';

export interface StreamConsumerOptions {
  /** Names the consumer's position file (one per event source mapping, as in AWS). */
  readonly name: string;
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly tableName: string;
  readonly filter: FilterPattern;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Where the position is kept between runs (`.data/streams/<name>.json`). */
  readonly checkpointFile: string;
  readonly batchSize?: number;
  readonly pollMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface StreamConsumer {
  /** Resolves once every record written so far has been handed to the handler and it succeeded. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

type Checkpoint = { streamArn: string; shards: Record<string, string> };

/**
 * `npm start`'s event source mapping for the table's stream: reads DynamoDB Local's stream
 * (DescribeStream, GetShardIterator, GetRecords), applies the same filter as the mapping in AWS,
 * hands each batch to the same Lambda handler in order, retries a failed batch until it passes,
 * and keeps its position per shard in a file, so a stopped runtime resumes where it was.
 */
export async function startStreamConsumer(options: StreamConsumerOptions): Promise<StreamConsumer> {
  const described = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });
  const pollMs = options.pollMs ?? 100;
  const saved = readCheckpoint(options.checkpointFile);
  const checkpoint: Checkpoint = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
  const iterators = new Map<string, string | undefined>();
  const finished = new Set<string>();
  let stopped = false;
  let pass = 0;
  let waiters: Array<{ after: number; resolve: () => void }> = [];

  const iteratorFor = async (shard: Shard): Promise<string | undefined> => {
    const shardId = shard.ShardId as string;
    const after = checkpoint.shards[shardId];
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  };

  const deliver = async (records: _Record[]) => {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, streamArn)) };
    const matching = event.Records.filter((record) => matchesFilter(options.filter, record));
    if (matching.length === 0) return;
    for (let i = 0; i < matching.length; i += options.batchSize ?? 100) {
      const batch = matching.slice(i, i + (options.batchSize ?? 100));
      for (let attempt = 1; ; attempt++) {
        try {
          await options.handler({ Records: batch });
          break;
        } catch (error) {
          options.onError?.(error);
          if (stopped) throw error;
          await sleep(Math.min(5000, 100 * 2 ** attempt));
        }
      }
    }
  };

  const pollOnce = async (): Promise<boolean> => {
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shards = stream.StreamDescription?.Shards ?? [];
    let sawRecords = false;
    for (const shard of shards) {
      const shardId = shard.ShardId as string;
      if (finished.has(shardId)) continue;
      // A child shard waits for its parent, as Lambda processes them in order.
      if (
        shard.ParentShardId &&
        shards.some((s) => s.ShardId === shard.ParentShardId) &&
        !finished.has(shard.ParentShardId)
      ) {
        continue;
      }
      let iterator = iterators.has(shardId) ? iterators.get(shardId) : await iteratorFor(shard);
      if (iterator === undefined) {
        finished.add(shardId);
        continue;
      }
      let out: GetRecordsCommandOutput;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        // An expired iterator, or DynamoDB Local's TrimmedDataAccessException on an iterator taken
        // while its shard was empty (aws/aws-sdk-java#2923): take a new one from the position kept.
        if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException))
          throw error;
        iterators.delete(shardId);
        sawRecords = true;
        continue;
      }
      const records = out.Records ?? [];
      if (records.length > 0) {
        sawRecords = true;
        await deliver(records);
        checkpoint.shards[shardId] = records.at(-1)?.dynamodb?.SequenceNumber as string;
        writeCheckpoint(options.checkpointFile, checkpoint);
      }
      iterator = out.NextShardIterator;
      iterators.set(shardId, iterator);
      if (iterator === undefined) finished.add(shardId);
    }
    return sawRecords;
  };

  const loop = (async () => {
    while (!stopped) {
      const started = ++pass;
      let busy = true;
      try {
        busy = await pollOnce();
      } catch (error) {
        if (stopped) break;
        options.onError?.(error);
      }
      if (!busy) {
        // Settled for whoever asked before this pass began: it found nothing left.
        const ready = waiters.filter((w) => w.after < started);
        waiters = waiters.filter((w) => w.after >= started);
        for (const w of ready) w.resolve();
        await sleep(pollMs);
      }
    }
  })();

  return {
    settled: () => new Promise<void>((resolve) => waiters.push({ after: pass, resolve })),
    stop: async () => {
      stopped = true;
      await loop.catch(() => undefined);
      for (const w of waiters) w.resolve();
      streams.destroy();
    },
  };
}

/** A stream record as Lambda delivers it: epoch seconds, the source ARN. */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(record.dynamodb as object),
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
    } as DynamoDBRecord['dynamodb'],
  };
}

function readCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(checkpoint), { mode: 0o600 });
  renameSync(temporary, path);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
