import {
  type BackupClient,
  GetRecoveryPointRestoreMetadataCommand,
  paginateListRecoveryPointsByBackupVault,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { restoreJobInput } from './restore-job-input';

/** A completed recovery point: its ARN, and when the backup was taken (Unix ms). */
export interface BackupPoint {
  readonly id: string;
  readonly createdAt: number;
}

/** The live table's completed recovery points in this region's vault, restored by AWS Backup. */
export class BackupRecoveryPoints {
  readonly #client: Pick<BackupClient, 'send'>;
  readonly #options: { vaultName: string; tableArn: string; roleArn: string; storageKeyArn: string };

  constructor(
    client: Pick<BackupClient, 'send'>,
    options: { vaultName: string; tableArn: string; roleArn: string; storageKeyArn: string },
  ) {
    this.#client = client;
    this.#options = options;
  }

  async newest(): Promise<BackupPoint | undefined> {
    let newest: BackupPoint | undefined;
    for await (const page of paginateListRecoveryPointsByBackupVault(
      { client: this.#client as BackupClient },
      { BackupVaultName: this.#options.vaultName, ByResourceArn: this.#options.tableArn },
    )) {
      for (const point of page.RecoveryPoints ?? []) {
        const createdAt = point.CreationDate?.getTime();
        if (point.Status !== 'COMPLETED' || !point.RecoveryPointArn || createdAt === undefined) continue;
        if (!newest || createdAt > newest.createdAt) newest = { id: point.RecoveryPointArn, createdAt };
      }
    }
    return newest;
  }

  async restore(point: BackupPoint, tableName: string): Promise<void> {
    const metadata = await this.#client.send(
      new GetRecoveryPointRestoreMetadataCommand({
        BackupVaultName: this.#options.vaultName,
        RecoveryPointArn: point.id,
      }),
    );
    await this.#client.send(
      new StartRestoreJobCommand(
        restoreJobInput({
          recoveryPointArn: point.id,
          metadata: metadata.RestoreMetadata,
          tableName,
          roleArn: this.#options.roleArn,
          storageKeyArn: this.#options.storageKeyArn,
        }),
      ),
    );
  }
}
