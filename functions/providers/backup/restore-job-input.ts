import type { StartRestoreJobCommandInput } from '@aws-sdk/client-backup';

/**
 * AWS Backup's restore of a DynamoDB recovery point into a new table under our storage key: the
 * point's own restore metadata, with the new name and the key (the AWS Backup guide's DynamoDB
 * restore keys). The idempotency token makes a repeated start the same job, not a second table.
 */
export function restoreJobInput(options: {
  readonly recoveryPointArn: string;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  readonly tableName: string;
  readonly roleArn: string;
  readonly storageKeyArn: string;
}): StartRestoreJobCommandInput {
  return {
    RecoveryPointArn: options.recoveryPointArn,
    IamRoleArn: options.roleArn,
    ResourceType: 'DynamoDB',
    IdempotencyToken: `restore-${options.tableName}`.slice(0, 255),
    Metadata: {
      ...(options.metadata ?? {}),
      targetTableName: options.tableName,
      encryptionType: 'KMS',
      kmsMasterKeyArn: options.storageKeyArn,
    },
  };
}
