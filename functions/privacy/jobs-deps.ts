import { accountStore } from '../auth/deps';
import { cardsDeps } from '../cards/deps';
import { identityStore } from '../identity';
import type { DeliveryDeps } from '../incident';
import { deliveryDeps } from '../incident/deps';
import { auditLog, indexer, plainTable, platform, sealedTable } from '../platform/deps';
import { once } from '../platform/runtime';
import type { DeletionDeps } from './account-deletion';
import { requestStore } from './deps';
import { DynamoAccountEraser } from './dynamo-account-eraser';
import { DynamoRetentionStore } from './dynamo-retention-store';
import type { RetentionDeps } from './retention';

/** The scheduled privacy jobs' composition root: account deletions and retention. */
export function deletionDeps(): Promise<DeletionDeps> {
  return once<Promise<DeletionDeps>>('deletionDeps', async () => {
    const [table, index, cards, audit, accounts] = await Promise.all([
      sealedTable(),
      indexer(),
      cardsDeps(),
      auditLog(),
      accountStore(),
    ]);
    const identities = identityStore(table);
    return {
      clock: platform().clock,
      requests: requestStore(table, audit),
      accounts,
      identity: (userId) => identities.verifiedIdentity(userId),
      cards,
      indexer: index,
      eraser: new DynamoAccountEraser(table),
    };
  });
}

export function retentionDeps(): Promise<RetentionDeps> {
  return once<Promise<RetentionDeps>>('retentionDeps', async () => ({
    clock: platform().clock,
    store: new DynamoRetentionStore(plainTable()),
    requests: requestStore(await sealedTable(), await auditLog()),
    metrics: platform().metrics,
  }));
}

/** The incident notices' minute (the incident feature's composition). */
export function noticeDeliveryDeps(): Promise<DeliveryDeps> {
  return deliveryDeps();
}

export function jobMetrics() {
  return platform().metrics;
}
