import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deployCommand, RestoreError, restoreTable, type Waiting } from '../../../bin/ops/dr-restore';

const backupMock = mockClient(BackupClient);
const point =
  'arn:aws-cn:backup:cn-northwest-1:111122223333:recovery-point:3f2c1b0a-1111-2222-3333-444455556666';
const options = {
  recoveryPointArn: point,
  region: 'cn-northwest-1',
  tableName: 'patient-onboarding-prod-restored-20261203T1500',
  roleArn: 'arn:aws-cn:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole',
  vaultName: 'patient-onboarding-prod-copies',
  storageKeyArn: 'arn:aws-cn:kms:cn-northwest-1:111122223333:alias/patient-onboarding-prod-storage',
};

/** A clock that moves only when the code sleeps. */
function manualWaiting(): Waiting & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('dr:restore, the AWS Backup half', () => {
  beforeEach(() => {
    backupMock.reset();
    backupMock.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RestoreMetadata: {
        originalTableName: 'PatientOnboarding-prod-Data-TableCD117FA1-X',
        targetTableName: 'old',
      },
    });
    backupMock.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
  });

  it('restores into a new table under the region storage key and waits for the job', async () => {
    backupMock
      .on(DescribeRestoreJobCommand)
      .resolvesOnce({ Status: 'PENDING' })
      .resolvesOnce({ Status: 'RUNNING' })
      .resolves({ Status: 'COMPLETED' });
    const waiting = manualWaiting();
    const lines: string[] = [];
    await restoreTable(backupMock as unknown as BackupClient, options, waiting, (l) => lines.push(l));
    const start = backupMock.commandCalls(StartRestoreJobCommand)[0]?.args[0].input;
    expect(start?.RecoveryPointArn).toBe(point);
    expect(start?.ResourceType).toBe('DynamoDB');
    expect(start?.Metadata).toMatchObject({
      targetTableName: options.tableName,
      encryptionType: 'KMS',
      kmsMasterKeyArn: options.storageKeyArn,
      originalTableName: 'PatientOnboarding-prod-Data-TableCD117FA1-X',
    });
    // A rerun of the same restore is the same job, not a second table.
    expect(start?.IdempotencyToken).toBe(`restore-${options.tableName}`);
    expect(
      backupMock.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0]?.args[0].input.BackupVaultName,
    ).toBe('patient-onboarding-prod-copies');
    expect(waiting.slept).toEqual([30_000, 30_000]);
    expect(lines).toEqual(['restore job job-1 started', 'restore job job-1 completed']);
  });

  it('says why a job failed, and gives up on one that never ends', async () => {
    backupMock
      .on(DescribeRestoreJobCommand)
      .resolves({ Status: 'FAILED', StatusMessage: 'KMS key is disabled' });
    await expect(
      restoreTable(backupMock as unknown as BackupClient, options, manualWaiting()),
    ).rejects.toThrow('restore job job-1 failed: KMS key is disabled');
    backupMock.on(DescribeRestoreJobCommand).resolves({ Status: 'RUNNING' });
    const waiting = manualWaiting();
    await expect(
      restoreTable(backupMock as unknown as BackupClient, { ...options, timeoutMs: 120_000 }, waiting),
    ).rejects.toThrow(/still RUNNING; gave up waiting/);
    expect(waiting.slept.length).toBe(4);
  });

  it('refuses a region outside China, a point from another region, and a key elsewhere, before any call', async () => {
    const refused = async (changes: Partial<typeof options>, message: RegExp) => {
      const run = restoreTable(
        backupMock as unknown as BackupClient,
        { ...options, ...changes },
        manualWaiting(),
      );
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toBeInstanceOf(RestoreError);
    };
    await refused({ region: 'ap-east-1' }, /not allowed/);
    await refused(
      { region: 'cn-north-1', storageKeyArn: options.storageKeyArn.replace('northwest', 'north') },
      /is in cn-northwest-1, not cn-north-1/,
    );
    await refused(
      { recoveryPointArn: point.replace('aws-cn', 'aws') },
      /recovery point ARN in a China region/,
    );
    await refused(
      { storageKeyArn: options.storageKeyArn.replace('northwest', 'north') },
      /storage key must be in cn-northwest-1/,
    );
    await refused({ tableName: 'a b' }, /not a DynamoDB table name/);
    expect(backupMock.calls()).toHaveLength(0);
  });

  it('prints the deploy that points the stage at the table', () => {
    const prepared = {
      tableName: 't-restored',
      streamArn: 'arn:aws-cn:dynamodb:cn-northwest-1:1:table/t-restored/stream/x',
      changed: [],
    };
    expect(deployCommand(prepared, { region: 'cn-northwest-1', stage: 'prod', failover: true })).toBe(
      'npx cdk deploy --all -c region=cn-northwest-1 -c stage=prod -c failover=true -c table=t-restored -c tableStream=arn:aws-cn:dynamodb:cn-northwest-1:1:table/t-restored/stream/x',
    );
    expect(deployCommand(prepared, { region: 'cn-north-1', stage: 'prod', failover: false })).not.toContain(
      'failover',
    );
  });
});
