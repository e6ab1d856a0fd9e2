import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  paginateScan,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../store/table-definition';

export type ExportedItem = Record<string, AttributeValue>;

/** Every item of a table, in DynamoDB's own JSON: what a backup holds. */
export async function exportTable(client: DynamoDBClient, tableName: string): Promise<ExportedItem[]> {
  const items: ExportedItem[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true }))
    items.push(...(page.Items ?? []));
  return items;
}

/**
 * A fresh table holding the items, as a restore from a backup brings it back: keys and indexes,
 * no stream and no TTL (DynamoDB restores neither; dr:restore turns them on).
 */
export async function restoreIntoFreshTable(
  client: DynamoDBClient,
  tableName: string,
  items: readonly ExportedItem[],
): Promise<void> {
  const { StreamSpecification: _stream, ...input } = createTableInput(tableName);
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
