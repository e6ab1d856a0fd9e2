import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { exportTable, restoreIntoFreshTable } from './dynamo-table-copy';
import type { RecoveryPoint, RecoveryPoints } from './restore-test';

/**
 * Locally (DynamoDB Local has no AWS Backup): the newest "backup" is the live table as it is now,
 * and restoring it copies its items into a fresh table, as a restore brings one back.
 */
export class TableCopyRecoveryPoints implements RecoveryPoints {
  readonly #client: DynamoDBClient;
  readonly #liveTable: string;
  readonly #now: () => number;

  constructor(client: DynamoDBClient, liveTable: string, now: () => number) {
    this.#client = client;
    this.#liveTable = liveTable;
    this.#now = now;
  }

  async newest(): Promise<RecoveryPoint> {
    return { id: `local:${this.#liveTable}`, createdAt: this.#now() };
  }

  async restore(_point: RecoveryPoint, tableName: string): Promise<void> {
    await restoreIntoFreshTable(this.#client, tableName, await exportTable(this.#client, this.#liveTable));
  }
}
