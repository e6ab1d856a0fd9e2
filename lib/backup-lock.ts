import { Duration } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';

/**
 * Vault Lock in governance mode for both vaults: every recovery point is kept at least as long as
 * the plan keeps it and at most a year, whatever a lifecycle change asks. Governance mode (no
 * `changeableFor`), so locking for good (compliance mode) stays an operator's decision, not a
 * deploy's. The China page for AWS Backup names no exception for Vault Lock; unverified in an
 * account.
 */
export function recoveryPointLock(retentionDays: number): backup.LockConfiguration {
  return { minRetention: Duration.days(retentionDays), maxRetention: Duration.days(365) };
}
