import { Arn, ArnFormat, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { recoveryPointLock } from './backup-lock';
import { regionKeyAlias } from './names';
import { denyKeyReplication } from './residency';
import { allowLogGroups } from './storage-key';

/**
 * The other China region's half: the vault that receives copies of the daily backups, and this
 * region's own keys for a fail-over (KMS keys never leave their region). The data key wraps every
 * data key the home region makes, so a copied backup opens here; the signing key is a second
 * token-signing root both regions trust. Names are fixed (the vault's, the keys' aliases) so the
 * home region's stacks name them without a cross-region reference.
 */
export class BackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;
  readonly vaultName: string;
  /** This region's storage key: the copies at rest, the secrets' replicas; a fail-over's everything. */
  readonly storageKey: kms.Key;
  /** This region's envelope key: wraps (never generates) the home region's data keys. */
  readonly standbyDataKey: kms.Key;
  /** This region's token-signing root, trusted by both regions. */
  readonly standbySigningKey: kms.Key;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & {
      readonly vaultName: string;
      readonly retentionDays: number;
      readonly stage: string;
    },
  ) {
    super(scope, id, { ...props, terminationProtection: true });
    const key = new kms.Key(this, 'CopyVaultKey', {
      description: 'patient-onboarding: backup copies at rest',
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyKeyReplication(key);
    // Also what the replicas of the home region's secrets are encrypted with here, and in a
    // fail-over the table's, the logs' and the queues' key.
    key.addAlias(regionKeyAlias(props.stage, 'storage'));
    allowLogGroups(key);
    this.storageKey = key;
    this.vaultName = props.vaultName;
    this.standbyDataKey = new kms.Key(this, 'StandbyDataKey', {
      description: `patient-onboarding ${props.stage}: envelope encryption of personal data (standby region)`,
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyKeyReplication(this.standbyDataKey);
    this.standbyDataKey.addAlias(regionKeyAlias(props.stage, 'data'));
    this.standbySigningKey = new kms.Key(this, 'StandbySigningKey', {
      description: `patient-onboarding ${props.stage}: access-token signing (ES256), standby region`,
      enableKeyRotation: false,
      multiRegion: false,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyKeyReplication(this.standbySigningKey);
    this.standbySigningKey.addAlias(regionKeyAlias(props.stage, 'token-signing'));
    this.vault = new backup.BackupVault(this, 'CopyVault', {
      backupVaultName: props.vaultName,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: recoveryPointLock(props.retentionDays),
    });
    this.vault.blockRecoveryPointDeletion();
  }

  /** The ARN of a key's alias in `region` (what KMS accepts as a KeyId there). */
  static aliasArn(scope: Stack, region: string, alias: string): string {
    return Arn.format(
      { service: 'kms', region, resource: alias, arnFormat: ArnFormat.NO_RESOURCE_NAME },
      scope,
    );
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
