import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * Is the table reachable? A strongly consistent-free GetItem of a key that never exists: the
 * cheapest call that proves credentials, network and table (0.5 RCU).
 */
export async function probeTable(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 2000,
): Promise<boolean> {
  try {
    await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'HEALTH' }, sk: { S: 'PROBE' } } }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    return true;
  } catch {
    return false;
  }
}
