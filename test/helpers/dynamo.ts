import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localCredentials } from '../../bin/local/dynamodb-local';
import { ensureTable } from '../../bin/local/ensure-table';

export function localDynamo(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'cn-north-1',
    credentials: localCredentials,
  });
}

/** A fresh table on the shared DynamoDB Local, so test files never see each other's items. */
export async function freshTable(client: DynamoDBClient, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomUUID()}`;
  await ensureTable(client, name);
  return name;
}

/** Every item of a table as raw JSON text: what an operator with table access would see. */
export async function rawTableText(client: DynamoDBClient, tableName: string): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  // Binary attributes are shown as base64 and as latin1 text, so plaintext inside either form is found.
  return JSON.stringify(items, (_key, value: unknown) =>
    value instanceof Uint8Array
      ? `${Buffer.from(value).toString('base64')} ${Buffer.from(value).toString('latin1')}`
      : value,
  );
}
