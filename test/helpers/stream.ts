import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { inject } from 'vitest';
import { localCredentials } from '../../bin/local/dynamodb-local';
import { toLambdaRecord } from '../../bin/local/stream-consumer';
import {
  type FilterPattern,
  matchesFilter,
  type TableChange,
  tableChange,
} from '../../functions/store/stream-records';

/**
 * Reads a table's stream on DynamoDB Local the way an event source mapping does, one call at a
 * time: `next()` gives the records written since the last call, as Lambda would deliver them.
 */
export function streamReader(client: DynamoDBClient, tableName: string) {
  const streams = new DynamoDBStreamsClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'cn-north-1',
    credentials: localCredentials,
  });
  const positions = new Map<string, string>();
  let streamArn: string | undefined;

  async function next(filter?: FilterPattern): Promise<DynamoDBRecord[]> {
    streamArn ??= (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table
      ?.LatestStreamArn;
    if (!streamArn) throw new Error(`${tableName} has no stream`);
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription
      ?.Shards;
    const records: DynamoDBRecord[] = [];
    for (const shard of shards ?? []) {
      const shardId = shard.ShardId as string;
      const after = positions.get(shardId);
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(after
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
      while (iterator) {
        let out: GetRecordsCommandOutput;
        try {
          out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        } catch (error) {
          // DynamoDB Local trims an iterator taken while the shard was empty (aws/aws-sdk-java#2923).
          if (!(error instanceof TrimmedDataAccessException)) throw error;
          break;
        }
        const batch = out.Records ?? [];
        if (batch.length === 0) break;
        records.push(...batch.map((r) => toLambdaRecord(r, streamArn as string)));
        positions.set(shardId, batch.at(-1)?.dynamodb?.SequenceNumber as string);
        iterator = out.NextShardIterator;
      }
    }
    return filter ? records.filter((r) => matchesFilter(filter, r)) : records;
  }

  return {
    next,
    /** The changes since the last call that match `filter`, as features read them. */
    async changes(filter: FilterPattern): Promise<TableChange[]> {
      return (await next(filter)).flatMap((r) => {
        const change = tableChange(r);
        return change ? [change] : [];
      });
    },
    close: () => streams.destroy(),
  };
}
