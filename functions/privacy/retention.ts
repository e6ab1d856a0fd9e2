import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../core/clock';
import { logger } from '../core/logger';
import type { MetricsSink } from '../core/metrics';
import { queryAll } from '../store/query-all';
import type { RightsRequestStore } from './rights-requests';

const DAY_MS = 24 * 3600 * 1000;
/** Where the last run got to, so a job that did not run for a while still catches up. */
const WATERMARK = { pk: 'JOB#retention', sk: 'WATERMARK' };
/** The first run (or a lost watermark) looks back this far. */
const FIRST_LOOKBACK_DAYS = 40;

export interface RetentionDeps {
  readonly clock: Clock;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly requests: Pick<RightsRequestStore, 'listOpen'>;
  readonly metrics: MetricsSink;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * What TTL cannot express: access data (IP prefix, user agent) inside consent records that stay,
 * removed 30 days after the consent. Items are found through the sparse `purgeByDay` index, day by
 * day since the last run; each update is conditional on the item still carrying the mark it was
 * found by. (Whole items with a lifetime, such as sessions, simply carry a TTL.)
 */
export async function purgeExpiredRecords(deps: RetentionDeps): Promise<{ stripped: number }> {
  const now = deps.clock.now().getTime();
  const { client, tableName } = deps;
  const mark = await client.send(
    new GetItemCommand({ TableName: tableName, Key: marshall(WATERMARK), ConsistentRead: true }),
  );
  const from = mark.Item ? String(unmarshall(mark.Item).day) : day(now - FIRST_LOOKBACK_DAYS * DAY_MS);
  let stripped = 0;
  for (let d = Date.parse(`${from}T00:00:00Z`); day(d) <= day(now); d += DAY_MS) {
    const due = await queryAll(client, {
      TableName: tableName,
      IndexName: 'purgeByDay',
      KeyConditionExpression: 'purgeDay = :day AND purgeAt <= :now',
      ExpressionAttributeValues: marshall({ ':day': day(d), ':now': new Date(now).toISOString() }),
    });
    for (const item of due) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: marshall({ pk: item.pk, sk: item.sk }),
            UpdateExpression: 'REMOVE ipPrefix, userAgent, purgeDay, purgeAt',
            ConditionExpression: 'purgeAt = :at',
            ExpressionAttributeValues: marshall({ ':at': item.purgeAt }),
          }),
        );
        stripped++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
  await client.send(
    new PutItemCommand({ TableName: tableName, Item: marshall({ ...WATERMARK, day: day(now), at: now }) }),
  );
  deps.metrics.count('RetentionStripped', stripped);
  return { stripped };
}

/** Open rights requests past their due date: counted as a metric (alarmed) and logged by id. */
export async function reportOverdueRequests(deps: RetentionDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const overdue = (await deps.requests.listOpen()).filter((r) => r.dueAt < now);
  for (const r of overdue) logger.warn('rights request overdue', { requestId: r.requestId, kind: r.kind });
  deps.metrics.count('RightsRequestsOverdue', overdue.length);
  return overdue.length;
}
