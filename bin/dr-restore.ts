import { BackupClient } from '@aws-sdk/client-backup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { regionKeyAlias } from '../lib/names';
import { deployCommand, prepareRestoredTable, RestoreError, restoreTable } from './ops/dr-restore';

/**
 * `npm run dr:restore -- --recovery-point <ARN> --region <R> [--table NAME] [--stage prod]
 * [--failover] [--role ARN] [--vault NAME] [--profile P]`: restores the table from a recovery
 * point (the copy in the other region's vault, by default), turns its stream, TTL, point-in-time
 * recovery and deletion protection back on, and prints the deploy that points the stage at it.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const recoveryPointArn = option('recovery-point');
const region = option('region');
const prepareOnly = option('prepare');
if ((!recoveryPointArn && !prepareOnly) || !region) {
  console.error(
    'usage: npm run dr:restore -- --recovery-point <ARN> --region <cn-north-1|cn-northwest-1> [--table NAME] [--stage prod] [--failover] [--role ARN] [--vault NAME] [--profile P]\n       npm run dr:restore -- --prepare <TABLE> --region <R> [--stage prod] [--failover] (a table restored otherwise, e.g. to a point in time)',
  );
  process.exit(2);
}
const stage = option('stage') ?? 'prod';
const failover = args.includes('--failover');
const profile = option('profile');
const config = { region, ...(profile ? { profile } : {}) };
const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13);
const tableName = option('table') ?? `patient-onboarding-${stage}-restored-${stamp}`;
try {
  if (prepareOnly) {
    const prepared = await prepareRestoredTable(new DynamoDBClient(config), prepareOnly);
    for (const step of prepared.changed) say(`${prepareOnly}: ${step}`);
    say(
      `\n${prepareOnly} is ready. Point the stage at it:\n  ${deployCommand(prepared, { region, stage, failover })}`,
    );
    process.exit(0);
  }
  if (!recoveryPointArn) throw new RestoreError('--recovery-point is required');
  const { Account } = await new STSClient(config).send(new GetCallerIdentityCommand({}));
  if (!Account) throw new RestoreError('STS named no account');
  await restoreTable(
    new BackupClient(config),
    {
      recoveryPointArn,
      region,
      tableName,
      roleArn: option('role') ?? `arn:aws-cn:iam::${Account}:role/service-role/AWSBackupDefaultServiceRole`,
      vaultName: option('vault') ?? `patient-onboarding-${stage}-copies`,
      storageKeyArn: `arn:aws-cn:kms:${region}:${Account}:${regionKeyAlias(stage, 'storage')}`,
    },
    undefined,
    say,
  );
  const prepared = await prepareRestoredTable(new DynamoDBClient(config), tableName);
  for (const step of prepared.changed) say(`${tableName}: ${step}`);
  say(
    `\n${tableName} is ready. Point the stage at it:\n  ${deployCommand(prepared, { region, stage, failover })}`,
  );
} catch (error) {
  console.error(
    error instanceof RestoreError ? error.message : `dr:restore failed: ${(error as Error).message}`,
  );
  process.exit(error instanceof RestoreError ? 1 : 2);
}
