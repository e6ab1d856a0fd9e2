import { Arn, ArnFormat, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { recoveryPointLock } from './backup-lock';
import { denyKeyReplication } from './residency';

/**
 * The vault in the other China region that receives copies of the daily backups. Its name is
 * fixed so the data stack can name it in its backup plan without a cross-region reference.
 */
export class BackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { readonly vaultName: string; readonly retentionDays: number },
  ) {
    super(scope, id, { ...props, terminationProtection: true });
    const key = new kms.Key(this, 'CopyVaultKey', {
      description: 'patient-onboarding: backup copies at rest',
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyKeyReplication(key);
    this.vault = new backup.BackupVault(this, 'CopyVault', {
      backupVaultName: props.vaultName,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: recoveryPointLock(props.retentionDays),
    });
    this.vault.blockRecoveryPointDeletion();
  }

  /** The ARN of the copy vault, built from its fixed name (no cross-region token). */
  static vaultArn(scope: Stack, region: string, vaultName: string): string {
    return Arn.format(
      {
        service: 'backup',
        region,
        resource: 'backup-vault',
        resourceName: vaultName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      scope,
    );
  }
}
