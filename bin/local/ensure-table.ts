import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, tableDefinition } from '../../functions/store/table-definition';

/**
 * Creates the table from the shared definition when it does not exist, and adds the stream and
 * indexes the definition gained since (a `.data/` database from an older checkout). DynamoDB Local only: in
 * AWS the table is CDK's. Idempotent, so `npm start` runs it on every start.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let existing: Set<string> | undefined;
  let streaming = false;
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? ''));
    streaming = described.Table?.StreamSpecification?.StreamEnabled === true;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const input = createTableInput(tableName);
  if (existing) {
    if (!streaming) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: input.StreamSpecification }),
      );
    }
    for (const gsi of input.GlobalSecondaryIndexes ?? []) {
      if (existing.has(gsi.IndexName ?? '')) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [
            { Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } },
          ],
        }),
      );
    }
    return;
  }
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    }),
  );
}
