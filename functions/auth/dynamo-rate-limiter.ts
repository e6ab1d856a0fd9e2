import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { HitOutcome, RateLimiter, RateWindowKey } from './ports';

/**
 * Fixed-window counters, one item per key and window start, incremented with a conditional
 * `ADD` so that concurrent requests on any number of instances never count past the limit.
 * Items expire by TTL a window after they close.
 */
export class DynamoRateLimiter implements RateLimiter {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  #key(window: Pick<RateWindowKey, 'scope' | 'key' | 'subKey' | 'seconds'>, now: number) {
    const start = Math.floor(now / 1000 / window.seconds) * window.seconds;
    const sk = window.subKey === undefined ? String(start) : `${window.subKey}#${start}`;
    return { start, key: { pk: `RATE#${window.scope}#${window.key}`, sk } };
  }

  async hit(window: RateWindowKey, now: number): Promise<HitOutcome> {
    const { start, key } = this.#key(window, now);
    try {
      const out = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: marshall(key),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':max': window.max,
            ':ttl': start + 2 * window.seconds,
          }),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: true, count: Number(out.Attributes?.count?.N ?? 1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { allowed: false, retryAfter: Math.max(1, start + window.seconds - Math.floor(now / 1000)) };
      }
      throw error;
    }
  }

  async peek(window: RateWindowKey, now: number): Promise<HitOutcome> {
    const { start, key } = this.#key(window, now);
    const out = await this.#client.send(
      new GetItemCommand({ TableName: this.#tableName, Key: marshall(key), ConsistentRead: true }),
    );
    const count = Number(out.Item?.count?.N ?? 0);
    return count < window.max
      ? { allowed: true, count }
      : { allowed: false, retryAfter: Math.max(1, start + window.seconds - Math.floor(now / 1000)) };
  }

  async undo(window: RateWindowKey, now: number): Promise<void> {
    const { key } = this.#key(window, now);
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: marshall(key),
          UpdateExpression: 'ADD #count :minus',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: marshall({ ':minus': -1, ':zero': 0 }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async gate(scope: string, key: string, seconds: number, now: number): Promise<HitOutcome> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: marshall({ pk: `GATE#${scope}#${key}`, sk: 'LAST' }),
          UpdateExpression: 'SET #at = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#at) OR #at <= :earliest',
          ExpressionAttributeNames: { '#at': 'at', '#ttl': 'ttl' },
          ExpressionAttributeValues: marshall({
            ':now': now,
            ':earliest': now - seconds * 1000,
            ':ttl': Math.ceil(now / 1000) + seconds + 3600,
          }),
        }),
      );
      return { allowed: true, count: 1 };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { allowed: false, retryAfter: seconds };
      throw error;
    }
  }

  async releaseGate(scope: string, key: string): Promise<void> {
    await this.#client.send(
      new DeleteItemCommand({
        TableName: this.#tableName,
        Key: marshall({ pk: `GATE#${scope}#${key}`, sk: 'LAST' }),
      }),
    );
  }
}
