import { prepareInvocation } from '../../core/invocation';
import { logger } from '../../core/logger';
import { deliverIncidentNotices } from '../../incident';
import { runAccountDeletions } from '../account-deletion';
import { deletionDeps, jobMetrics, noticeDeliveryDeps, retentionDeps } from '../jobs-deps';
import { purgeExpiredRecords, reportOverdueRequests } from '../retention';

/** What an EventBridge schedule sends: which job to run. */
export interface PrivacyJobEvent {
  readonly task: 'deletions' | 'retention' | 'notices';
}

/**
 * Scheduled privacy jobs (EventBridge rules in AWS, timers under `npm start`). A throw makes the
 * scheduler's retry run it again; every step is idempotent.
 */
export async function handler(event: PrivacyJobEvent): Promise<unknown> {
  await prepareInvocation();
  const metrics = jobMetrics();
  try {
    if (event.task === 'deletions') {
      const outcome = await runAccountDeletions(await deletionDeps());
      if (outcome.completed > 0) metrics.count('AccountsDeleted', outcome.completed);
      logger.info('account deletions run', outcome);
      return outcome;
    }
    if (event.task === 'notices') {
      // Each minute: incident notice SMS (PIPL art. 57) and the 4-hour report clocks.
      const outcome = await deliverIncidentNotices(await noticeDeliveryDeps());
      // Quiet while no incident is open (the run is every minute).
      if (outcome.openIncidents > 0) logger.info('incident notices run', outcome);
      return outcome;
    }
    const retention = await retentionDeps();
    const purged = await purgeExpiredRecords(retention);
    const overdue = await reportOverdueRequests(retention);
    logger.info('retention run', { ...purged, overdue });
    return { ...purged, overdue };
  } finally {
    metrics.flush();
  }
}
