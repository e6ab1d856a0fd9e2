import type { Clock } from '../core/clock';
import type { EmfMetricsSink } from '../core/metrics';
import { appKeys, platform, required, sealer } from '../platform/deps';
import { once } from '../platform/runtime';
import { DynamoScratchTables } from './dynamo-scratch-tables';
import type { RecoveryPoints, RestoreTestDeps } from './restore-test';

/**
 * The restore test's composition root: AWS Backup and the vault in AWS, a copy of the live table
 * locally; the scratch tables beside the live one, opened with this region's keys.
 */
export function restoreTestDeps(): Promise<
  RestoreTestDeps & { readonly metrics: EmfMetricsSink; readonly clock: Clock }
> {
  return once('restoreTestDeps', async () => {
    const { env, keySource, dynamo, tableName, clock, metrics, config } = platform();
    let points: RecoveryPoints;
    if (keySource === 'local') {
      const { TableCopyRecoveryPoints } = await import('./dynamo-copy-recovery-points');
      points = new TableCopyRecoveryPoints(dynamo, tableName, () => clock.now().getTime());
    } else {
      const [{ BackupRecoveryPoints }, { BackupClient }] = await Promise.all([
        import('../providers/backup/backup-recovery-points'),
        import('@aws-sdk/client-backup'),
      ]);
      points = new BackupRecoveryPoints(new BackupClient({ region: platform().region }), {
        vaultName: required(env, 'BACKUP_VAULT_NAME'),
        tableArn: required(env, 'TABLE_ARN'),
        roleArn: required(env, 'RESTORE_ROLE_ARN'),
        storageKeyArn: required(env, 'STORAGE_KEY_ARN'),
      });
    }
    return {
      points,
      scratch: new DynamoScratchTables(dynamo, {
        prefix: tableName,
        sealer: await sealer(),
        auditKey: (await appKeys()).auditKey,
      }),
      prefix: tableName,
      maxRestoreMs: config.restoreTest.maxRestoreHours * 3_600_000,
      maxBackupAgeMs: config.restoreTest.maxBackupAgeHours * 3_600_000,
      metrics,
      clock,
    };
  });
}
