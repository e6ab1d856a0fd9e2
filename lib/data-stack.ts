import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDefinition } from '../functions/store/table-definition';

const attributeTypes = { S: dynamodb.AttributeType.STRING } as const;

export interface DataStackProps extends StackProps {
  readonly stage: string;
}

/**
 * Stateful resources, kept on stack deletion: the table, its at-rest key, the envelope-encryption
 * key for sensitive attributes, and the blind-index key secret.
 */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  /** Encrypts the table, secrets and logs at rest; callers reach it only through those services. */
  readonly storageKey: kms.Key;
  /** Wraps the data keys that seal sensitive attributes; only functions that declare it may use it. */
  readonly dataKey: kms.Key;
  readonly indexKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.storageKey = this.#singleRegionKey(
      'StorageKey',
      `patient-onboarding ${props.stage}: table, secrets, logs at rest`,
    );
    this.dataKey = this.#singleRegionKey(
      'DataKey',
      `patient-onboarding ${props.stage}: envelope encryption of personal data`,
    );

    this.table = new dynamodb.Table(this, 'Table', {
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
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: attributeTypes[gsi.partitionKey.type] },
        ...(gsi.sortKey
          ? { sortKey: { name: gsi.sortKey.name, type: attributeTypes[gsi.sortKey.type] } }
          : {}),
      });
    }

    this.indexKeySecret = new secretsmanager.Secret(this, 'BlindIndexKey', {
      description: 'Key for the blind indexes (HMAC-SHA256) over phone and ID numbers',
      encryptionKey: this.storageKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.indexKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the blind-index key changes every index token; it is rotated by a versioned re-index run, not by Secrets Manager rotation.',
    });
  }

  #singleRegionKey(id: string, description: string): kms.Key {
    const key = new kms.Key(this, id, {
      description,
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Even an administrator must not copy this key out of the region.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyReplication',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:ReplicateKey', 'kms:UpdatePrimaryRegion'],
        resources: ['*'],
      }),
    );
    return key;
  }
}
