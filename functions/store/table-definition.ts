import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table, described once. CDK (lib/data-stack.ts) and the local runtime both build the
 * table from this, so the two cannot drift.
 */
export const tableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Epoch seconds; DynamoDB deletes expired items eventually, so expiry is always checked in code too. */
  timeToLiveAttribute: 'ttl',
  /**
   * The stream drives everything that follows a committed change (audit chain, card jobs and
   * events): old and new images, so a removed card's event still knows its hospital.
   */
  streamViewType: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    // Sparse: only audit entries about a person carry these, so the export can list who read their data.
    {
      indexName: 'auditByUser',
      partitionKey: { name: 'auditUser', type: 'S' },
      sortKey: { name: 'auditAt', type: 'S' },
      projection: 'ALL',
    },
    // Sparse: active cards, so a hospital finds the card of one of its patients (its HIS id's
    // blind index, scoped to the hospital) or of an ID number. Kept by DynamoDB with the card:
    // nothing to write, move or delete beside it.
    {
      indexName: 'cardsByHisPatient',
      partitionKey: { name: 'hisPatientKey', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'cardsByHospitalPerson',
      partitionKey: { name: 'hospitalPersonKey', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    // Sparse: items with a retention deadline TTL cannot express (access data inside a record that
    // stays); the retention job reads one day at a time.
    {
      indexName: 'purgeByDay',
      partitionKey: { name: 'purgeDay', type: 'S' },
      sortKey: { name: 'purgeAt', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ] as ReadonlyArray<{
    readonly indexName: string;
    readonly partitionKey: { readonly name: string; readonly type: 'S' };
    readonly sortKey?: { readonly name: string; readonly type: 'S' };
    readonly projection: 'ALL' | 'KEYS_ONLY';
  }>,
} as const;

/** Attribute that holds an item's sealed (encrypted) sensitive fields. */
export const SEALED_ATTRIBUTE = 'sealed';

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, globalSecondaryIndexes } = tableDefinition;
  const attributes = new Map<string, 'S'>([
    [partitionKey.name, partitionKey.type],
    [sortKey.name, sortKey.type],
  ]);
  for (const gsi of globalSecondaryIndexes) {
    attributes.set(gsi.partitionKey.name, gsi.partitionKey.type);
    if (gsi.sortKey) attributes.set(gsi.sortKey.name, gsi.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    ...(globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: globalSecondaryIndexes.map((gsi) => ({
            IndexName: gsi.indexName,
            KeySchema: [
              { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' as const },
              ...(gsi.sortKey ? [{ AttributeName: gsi.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: gsi.projection },
          })),
        }
      : {}),
  };
}
