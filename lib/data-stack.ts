import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDefinition } from '../functions/store/table-definition';
import { BackupCopyStack } from './backup-copy-stack';
import { recoveryPointLock } from './backup-lock';
import { regionKeyAlias } from './names';
import { denyKeyReplication } from './residency';
import { allowLogGroups } from './storage-key';

const attributeTypes = { S: dynamodb.AttributeType.STRING } as const;

/** The other region's keys as this region's functions name them: alias ARNs, no cross-region token. */
export interface PeerRegionKeys {
  readonly region: string;
  readonly dataKeyArn: string;
  readonly signingKeyArn: string;
  readonly dataKeyAlias: string;
  readonly signingKeyAlias: string;
}

export interface DataStackProps extends StackProps {
  /**
   * The token-signing key generations in use, oldest first (context `signingKeyGenerations`);
   * default [1]. The last signs.
   */
  readonly signingKeyGenerations?: readonly number[];
  readonly stage: string;
  /**
   * The other China region's half (lib/backup-copy-stack.ts). Normally there: daily backups are
   * copied to its vault, data keys wrapped for its key, its signing root trusted. In a fail-over
   * (`standbyHere`) it is the stack already in this region, and the other region is down: its
   * keys and the secrets' replicas are this deploy's, and nothing is copied or wrapped elsewhere.
   */
  readonly standby: BackupCopyStack;
  readonly standbyHere?: boolean;
  /**
   * A restored table to run on instead of making one (context `table` and `tableStream`, as
   * `npm run dr:restore` prints them): IAM, the functions and the backup selection follow it.
   */
  readonly restoredTable?: { readonly tableName: string; readonly streamArn: string } | undefined;
  readonly backupRetentionDays: number;
  /**
   * Pre-warmed throughput (DynamoDB warm throughput): what the table serves the moment a rush
   * starts, instead of the 4,000 writes/s a new on-demand table does (`npm run capacity`).
   */
  readonly warmThroughput?:
    | { readonly readUnitsPerSecond: number; readonly writeUnitsPerSecond: number }
    | undefined;
}

/** The secrets' fixed names: a replica keeps its primary's name, which a fail-over deploy finds. */
export const secretName = (stage: string, what: 'app-secret' | 'provider-credentials') =>
  `patient-onboarding-${stage}-${what}`;

/**
 * Stateful resources, kept on stack deletion: the table, its at-rest key, the envelope-encryption
 * key for sensitive attributes, and the blind-index key secret.
 */
export class DataStack extends Stack {
  readonly table: dynamodb.ITable;
  /** Encrypts the table, secrets and logs at rest; callers reach it only through those services. */
  readonly storageKey: kms.IKey;
  /** Wraps the data keys that seal sensitive attributes; only functions that declare it may use it. */
  readonly dataKey: kms.IKey;
  /** Root of the blind-index key and the OTP pepper (derived with HKDF). */
  readonly appSecret: secretsmanager.ISecret;
  /** The key that signs now (ES256; the private half never leaves KMS): the newest generation. */
  readonly signingKey: kms.IKey;
  /** Earlier generations still trusted (their certificates verify) until retired. */
  readonly trustedSigningKeys: readonly kms.IKey[];
  /** SMS and captcha provider credentials, JSON (see functions/providers/credentials.ts); set by operators. */
  readonly providerSecret: secretsmanager.ISecret;
  /** The other China region's keys, by alias; none in a fail-over (that region is down). */
  readonly peer: PeerRegionKeys | undefined;
  /** This region's backup vault, and the role AWS Backup restores from it with (the restore test). */
  readonly backupVault: backup.BackupVault;
  readonly restoreRole: iam.Role;
  /**
   * The names the restore test gives its scratch tables, as an IAM table-name pattern: the live
   * table's name and `-rt-` (CloudFormation names the table `<stack>-Table…-<suffix>`).
   */
  readonly scratchTables: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    const { standby } = props;
    const failover = props.standbyHere === true;

    if (failover) {
      // This region's own keys, made by its standby stack: the data key wrapped every data key
      // the lost region made, and the secrets' replicas are under the storage key.
      this.storageKey = standby.storageKey;
      this.dataKey = standby.standbyDataKey;
      this.signingKey = standby.standbySigningKey;
      this.trustedSigningKeys = [];
      this.appSecret = secretsmanager.Secret.fromSecretNameV2(
        this,
        'AppSecret',
        secretName(props.stage, 'app-secret'),
      );
      this.providerSecret = secretsmanager.Secret.fromSecretNameV2(
        this,
        'ProviderCredentials',
        secretName(props.stage, 'provider-credentials'),
      );
      this.peer = undefined;
    } else {
      const storageKey = this.#singleRegionKey(
        'StorageKey',
        `patient-onboarding ${props.stage}: table, secrets, logs at rest`,
      );
      allowLogGroups(storageKey);
      this.storageKey = storageKey;
      this.dataKey = this.#singleRegionKey(
        'DataKey',
        `patient-onboarding ${props.stage}: envelope encryption of personal data`,
      );
      // Rotation by generations (context `signingKeyGenerations`, e.g. "1,2"): each is its own key
      // (generation 1 keeps the first key's id); the newest signs, the others only verify, and a
      // generation left out of the list is retired (its key is retained in KMS, to be scheduled
      // for deletion by hand).
      const generations = props.signingKeyGenerations ?? [1];
      const keys = generations.map((generation) =>
        this.#singleRegionKey(
          generation === 1 ? 'TokenSigningKey' : `TokenSigningKey${generation}`,
          `patient-onboarding ${props.stage}: access-token signing (ES256), generation ${generation}`,
          true,
        ),
      );
      this.signingKey = keys[keys.length - 1] as kms.Key;
      this.trustedSigningKeys = keys.slice(0, -1);
      // The same alias names as the standby region's keys: each region names its own key alike.
      // Fixed construct ids: a rotation moves the signing alias to the new key in place.
      new kms.Alias(this, 'StorageKeyAlias', {
        aliasName: regionKeyAlias(props.stage, 'storage'),
        targetKey: storageKey,
      });
      new kms.Alias(this, 'DataKeyAlias', {
        aliasName: regionKeyAlias(props.stage, 'data'),
        targetKey: this.dataKey,
      });
      new kms.Alias(this, 'TokenSigningKeyAlias', {
        aliasName: regionKeyAlias(props.stage, 'token-signing'),
        targetKey: this.signingKey,
      });
      const peerRegion = standby.region;
      this.peer = {
        region: peerRegion,
        dataKeyAlias: regionKeyAlias(props.stage, 'data'),
        signingKeyAlias: regionKeyAlias(props.stage, 'token-signing'),
        dataKeyArn: BackupCopyStack.aliasArn(this, peerRegion, regionKeyAlias(props.stage, 'data')),
        signingKeyArn: BackupCopyStack.aliasArn(
          this,
          peerRegion,
          regionKeyAlias(props.stage, 'token-signing'),
        ),
      };
      const appSecret = new secretsmanager.Secret(this, 'AppSecret', {
        secretName: secretName(props.stage, 'app-secret'),
        description: 'Root of the blind-index key and the one-time-code pepper (HKDF-derived)',
        encryptionKey: this.storageKey,
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const providerSecret = new secretsmanager.Secret(this, 'ProviderCredentials', {
        secretName: secretName(props.stage, 'provider-credentials'),
        description:
          'SMS (Aliyun, Tencent) and Tencent Captcha credentials as JSON; filled in by operators after deploy',
        encryptionKey: this.storageKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // Both secrets are replicated to the other China region (Secrets Manager replication, under
      // that region's storage key): a fail-over there derives the same blind indexes and reaches
      // the same providers. The residency check refuses a replica outside the allowed regions.
      for (const secret of [appSecret, providerSecret]) {
        (secret.node.defaultChild as secretsmanager.CfnSecret).replicaRegions = [
          {
            region: peerRegion,
            kmsKeyId: BackupCopyStack.aliasArn(this, peerRegion, regionKeyAlias(props.stage, 'storage')),
          },
        ];
        for (const ruleId of [
          'HIPAA.Security-SecretsManagerRotationEnabled',
          'NIST.800.53.R5-SecretsManagerRotationEnabled',
        ]) {
          Validations.of(secret).acknowledge({
            id: ruleId,
            reason:
              "Rotated by procedure, not by a rotation Lambda: the application secret by a versioned re-index, provider keys in the providers' consoles (docs/security-checks.md).",
          });
        }
      }
      Validations.of(providerSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Provider access keys are issued and rotated in the Aliyun and Tencent consoles; operators paste new ones in with an overlap.',
      });
      Validations.of(appSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the application secret changes every blind-index token; it is rotated by a versioned re-index run, not by Secrets Manager rotation.',
      });
      this.appSecret = appSecret;
      this.providerSecret = providerSecret;
    }

    this.scratchTables = props.restoredTable
      ? `${props.restoredTable.tableName}-rt-*`
      : `${this.stackName}-Table*-rt-*`;
    this.table = props.restoredTable
      ? dynamodb.Table.fromTableAttributes(this, 'Table', {
          tableName: props.restoredTable.tableName,
          tableStreamArn: props.restoredTable.streamArn,
          encryptionKey: this.storageKey,
          globalIndexes: tableDefinition.globalSecondaryIndexes.map((g) => g.indexName),
        })
      : this.#newTable(props);

    // Daily backups kept in this region and copied to the other China region only (DR without
    // leaving mainland China); PITR covers the last 35 days to the second. In a fail-over the
    // other region is down: no copies until a deploy without `failover` after it is back.
    const vault = new backup.BackupVault(this, 'BackupVault', {
      encryptionKey: this.storageKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: recoveryPointLock(props.backupRetentionDays),
    });
    // Nobody (root, an operator, a stolen key) deletes a recovery point or shortens its life.
    vault.blockRecoveryPointDeletion();
    this.backupVault = vault;
    // What AWS Backup assumes to restore a recovery point into a new table (the restore test,
    // dr:restore in this region), encrypting it with the storage key.
    this.restoreRole = new iam.Role(this, 'RestoreRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    new iam.ManagedPolicy(this, 'RestoreRolePolicy', {
      roles: [this.restoreRole],
      statements: [
        new iam.PolicyStatement({
          actions: [
            'kms:Decrypt',
            'kms:Encrypt',
            'kms:GenerateDataKey',
            'kms:DescribeKey',
            'kms:CreateGrant',
          ],
          resources: [this.storageKey.keyArn],
        }),
      ],
    });
    Validations.of(this.restoreRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      reason:
        'The role AWS Backup assumes to restore a recovery point into a new table; AWS maintains this service-role policy with the restore APIs it calls.',
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', { backupVault: vault });
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '18', minute: '30' }), // 02:30 Beijing time
        deleteAfter: Duration.days(props.backupRetentionDays),
        copyActions: failover
          ? []
          : [
              {
                destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
                  this,
                  'CopyVault',
                  BackupCopyStack.vaultArn(this, standby.region, standby.vaultName),
                ),
                deleteAfter: Duration.days(props.backupRetentionDays),
              },
            ],
      }),
    );
    plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)] });
    Validations.of(plan).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The role AWS Backup assumes to back up the selected table; AWS maintains this service-role policy as new resource types appear, and the selection limits what is backed up.',
    });
  }

  #newTable(props: DataStackProps): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: {
        name: tableDefinition.partitionKey.name,
        type: attributeTypes[tableDefinition.partitionKey.type],
      },
      sortKey: { name: tableDefinition.sortKey.name, type: attributeTypes[tableDefinition.sortKey.type] },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.storageKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      // Drives the audit chain and the card follow-ups (functions/system/route-table.ts, the stream workers).
      stream: dynamodb.StreamViewType[tableDefinition.streamViewType],
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.warmThroughput ? { warmThroughput: props.warmThroughput } : {}),
    });
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: attributeTypes[gsi.partitionKey.type] },
        ...(gsi.sortKey
          ? { sortKey: { name: gsi.sortKey.name, type: attributeTypes[gsi.sortKey.type] } }
          : {}),
        projectionType:
          gsi.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  #singleRegionKey(id: string, description: string, asymmetric = false): kms.Key {
    const key = new kms.Key(this, id, {
      description,
      // KMS rotates symmetric keys only; the signing key rotates by a new key and a new `kid`.
      enableKeyRotation: !asymmetric,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(asymmetric ? { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY } : {}),
    });
    denyKeyReplication(key);
    return key;
  }
}
