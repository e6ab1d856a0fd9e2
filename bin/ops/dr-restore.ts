import {
  type BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { restoreJobInput } from '../../functions/providers/backup/restore-job-input';
import { tableDefinition } from '../../functions/store/table-definition';
import { DEFAULT_ALLOWED_REGIONS } from '../../lib/residency';

export class RestoreError extends Error {}

/** How the steps wait: injected, so tests run in no time and a real run polls gently. */
export interface Waiting {
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const realWaiting: Waiting = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

export interface RestoreOptions {
  readonly recoveryPointArn: string;
  readonly region: string;
  readonly tableName: string;
  /** The role AWS Backup assumes to create the table. */
  readonly roleArn: string;
  /** The vault holding the recovery point (the copy vault, in the other region). */
  readonly vaultName: string;
  /** The region's storage key (by ARN or alias ARN): the restored table is encrypted with it. */
  readonly storageKeyArn: string;
  readonly allowedRegions?: readonly string[];
  /** Give up waiting after this long (default 3 hours: large tables restore slowly). */
  readonly timeoutMs?: number;
}

export interface PreparedTable {
  readonly tableName: string;
  readonly streamArn: string;
  /** What this run changed, in order (an already prepared table changes nothing). */
  readonly changed: readonly string[];
}

const RECOVERY_POINT =
  /^arn:aws-cn:(?:backup:(cn-(?:north|northwest)-1):\d{12}:recovery-point:[A-Za-z0-9-]+|dynamodb:(cn-(?:north|northwest)-1):\d{12}:table\/[A-Za-z0-9_.-]+\/backup\/[A-Za-z0-9-]+)$/;

/** Refuses what would restore outside the allowed regions, or from somewhere else than `region`. */
export function checkRestoreOptions(options: RestoreOptions): void {
  const allowed = options.allowedRegions ?? DEFAULT_ALLOWED_REGIONS;
  if (!allowed.includes(options.region))
    throw new RestoreError(`region ${options.region} is not allowed: restore into ${allowed.join(' or ')}`);
  const match = RECOVERY_POINT.exec(options.recoveryPointArn);
  if (!match)
    throw new RestoreError(
      `--recovery-point must be an AWS Backup recovery point ARN in a China region, got ${options.recoveryPointArn}`,
    );
  const pointRegion = match[1] ?? match[2];
  if (pointRegion !== options.region)
    throw new RestoreError(
      `the recovery point is in ${pointRegion}, not ${options.region}: restore from the copy in the region you restore into`,
    );
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(options.tableName))
    throw new RestoreError(`--table is not a DynamoDB table name: ${options.tableName}`);
  if (!options.storageKeyArn.startsWith(`arn:aws-cn:kms:${options.region}:`))
    throw new RestoreError(`the storage key must be in ${options.region}: ${options.storageKeyArn}`);
}

/**
 * Restores the table from a recovery point with AWS Backup and waits for the job. The copy keeps
 * the items, not the table's settings: prepareRestoredTable puts those back.
 */
export async function restoreTable(
  backup: Pick<BackupClient, 'send'>,
  options: RestoreOptions,
  waiting: Waiting = realWaiting,
  say: (line: string) => void = () => {},
): Promise<void> {
  checkRestoreOptions(options);
  const metadata = await backup.send(
    new GetRecoveryPointRestoreMetadataCommand({
      BackupVaultName: options.vaultName,
      RecoveryPointArn: options.recoveryPointArn,
    }),
  );
  const { RestoreJobId } = await backup.send(
    new StartRestoreJobCommand(
      restoreJobInput({
        recoveryPointArn: options.recoveryPointArn,
        metadata: metadata.RestoreMetadata,
        tableName: options.tableName,
        roleArn: options.roleArn,
        storageKeyArn: options.storageKeyArn,
      }),
    ),
  );
  if (!RestoreJobId) throw new RestoreError('AWS Backup started no restore job');
  say(`restore job ${RestoreJobId} started`);
  const deadline = waiting.now() + (options.timeoutMs ?? 3 * 3_600_000);
  for (;;) {
    const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
    if (job.Status === 'COMPLETED') {
      say(`restore job ${RestoreJobId} completed`);
      return;
    }
    if (job.Status === 'FAILED' || job.Status === 'ABORTED')
      throw new RestoreError(
        `restore job ${RestoreJobId} ${job.Status.toLowerCase()}: ${job.StatusMessage ?? 'no message'}`,
      );
    if (waiting.now() >= deadline)
      throw new RestoreError(
        `restore job ${RestoreJobId} is still ${job.Status ?? 'pending'}; gave up waiting`,
      );
    await waiting.sleep(30_000);
  }
}

async function untilActive(
  dynamo: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  waiting: Waiting,
  deadline: number,
) {
  for (;;) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return Table;
    if (waiting.now() >= deadline) throw new RestoreError(`${tableName} did not become ACTIVE in time`);
    await waiting.sleep(5_000);
  }
}

/**
 * What a restored table comes back without (the China DynamoDB guide: stream, TTL, point-in-time
 * recovery and deletion protection are set again by hand), turned on as the stack sets them on
 * a table it makes, and checked against the shared table definition. Each step is skipped when
 * already done, so a rerun after an interruption finishes the job.
 */
export async function prepareRestoredTable(
  dynamo: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  waiting: Waiting = realWaiting,
  options: { readonly pointInTimeRecovery?: boolean; readonly timeoutMs?: number } = {},
): Promise<PreparedTable> {
  const deadline = waiting.now() + (options.timeoutMs ?? 30 * 60_000);
  const changed: string[] = [];
  let table = await untilActive(dynamo, tableName, waiting, deadline);
  const keys = Object.fromEntries((table.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName]));
  if (keys.HASH !== tableDefinition.partitionKey.name || keys.RANGE !== tableDefinition.sortKey.name)
    throw new RestoreError(`${tableName} is not this system's table (keys ${JSON.stringify(keys)})`);
  const indexes = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = tableDefinition.globalSecondaryIndexes.filter((g) => !indexes.has(g.indexName));
  if (missing.length > 0)
    throw new RestoreError(`${tableName} lacks indexes ${missing.map((g) => g.indexName).join(', ')}`);

  const stream = table.StreamSpecification;
  if (!stream?.StreamEnabled) {
    await dynamo.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
      }),
    );
    changed.push(`stream on (${tableDefinition.streamViewType})`);
    table = await untilActive(dynamo, tableName, waiting, deadline);
  } else if (stream.StreamViewType !== tableDefinition.streamViewType) {
    throw new RestoreError(
      `${tableName} streams ${stream.StreamViewType}, not ${tableDefinition.streamViewType}`,
    );
  }

  const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (ttlStatus !== 'ENABLED' && ttlStatus !== 'ENABLING') {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: tableDefinition.timeToLiveAttribute },
      }),
    );
    changed.push(`TTL on (${tableDefinition.timeToLiveAttribute})`);
  } else if (ttl.TimeToLiveDescription?.AttributeName !== tableDefinition.timeToLiveAttribute) {
    throw new RestoreError(`${tableName} expires items by ${ttl.TimeToLiveDescription?.AttributeName}`);
  }

  if (options.pointInTimeRecovery !== false) {
    const backups = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
    const pitr =
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (pitr !== 'ENABLED') {
      await dynamo.send(
        new UpdateContinuousBackupsCommand({
          TableName: tableName,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      changed.push('point-in-time recovery on');
    }
  }

  if (!table.DeletionProtectionEnabled) {
    await dynamo.send(new UpdateTableCommand({ TableName: tableName, DeletionProtectionEnabled: true }));
    changed.push('deletion protection on');
    table = await untilActive(dynamo, tableName, waiting, deadline);
  }
  if (!table.LatestStreamArn) throw new RestoreError(`${tableName} has no stream ARN`);
  return { tableName, streamArn: table.LatestStreamArn, changed };
}

/** The deploy that points the stage at the restored table (docs/deploy-china.md, fail-over). */
export function deployCommand(
  prepared: PreparedTable,
  options: { readonly region: string; readonly stage: string; readonly failover: boolean },
): string {
  return [
    'npx cdk deploy --all',
    `-c region=${options.region}`,
    `-c stage=${options.stage}`,
    ...(options.failover ? ['-c failover=true'] : []),
    `-c table=${prepared.tableName}`,
    `-c tableStream=${prepared.streamArn}`,
  ].join(' ');
}
