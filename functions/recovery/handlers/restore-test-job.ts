import { logger } from '../../core/logger';
import { restoreTestDeps } from '../deps';
import { runRestoreTest } from '../restore-test';

/**
 * The scheduled restore test (twice a week): checks and drops what the last run restored,
 * restores the newest backup for the next. Publishes passes and failures (alarmed: any failure,
 * and no pass in a week); logs table names and counts only.
 */
export async function handler(): Promise<{ passed: number; failed: number; started?: string }> {
  const deps = await restoreTestDeps();
  const report = await runRestoreTest(deps, deps.clock.now().getTime());
  let passed = 0;
  let failed = report.problem ? 1 : 0;
  for (const outcome of report.checked) {
    if (outcome.result === 'passed') {
      passed++;
      logger.info('restore test passed', { table: outcome.table, ...outcome.check });
    } else if (outcome.result === 'failed') {
      failed++;
      logger.error('restore test failed', {
        table: outcome.table,
        why: outcome.why,
        ...(outcome.check ?? {}),
      });
    }
  }
  if (report.problem) logger.error('restore test problem', { why: report.problem });
  if (report.started) logger.info('restore test started', { ...report.started });
  deps.metrics.count('RestoreTestPassed', passed);
  deps.metrics.count('RestoreTestFailed', failed);
  deps.metrics.flush();
  return { passed, failed, ...(report.started ? { started: report.started.table } : {}) };
}
