import type { AccountStore } from '../auth';
import type { CardsDeps } from '../cards';
import { releaseCard } from '../cards';
import type { Clock } from '../core/clock';
import { logger } from '../core/logger';
import type { BlindIndexer } from '../crypto/blind-index';
import { identityPairToken } from '../identity';
import { storageOnlyUntil } from '../kernel/retention-marks';
import type { AccountFacts } from '../store/keys';
import type { RightsRequest, RightsRequestStore } from './rights-requests';

/** What the eraser needs to find every item of an account. */
export type ErasedAccount = AccountFacts;

/** Port: removes what is left of an account once its cards are gone. */
export interface AccountEraser {
  erase(account: ErasedAccount, keepUntil: number): Promise<{ deleted: number; kept: number }>;
}

export interface DeletionDeps {
  readonly clock: Clock;
  readonly requests: RightsRequestStore;
  readonly accounts: Pick<AccountStore, 'getUser'>;
  readonly identity: (userId: string) => Promise<{ name: string; idNumber: string } | undefined>;
  readonly cards: CardsDeps;
  readonly indexer: BlindIndexer;
  readonly eraser: AccountEraser;
}

/**
 * Carries out one account-deletion request: every card is released (its HIS told to unbind the
 * patient), then the account's items are deleted and its consent records kept storage-only, and
 * the request is completed. Safe to run again after a failure: each step skips what is gone.
 */
export async function completeAccountDeletion(deps: DeletionDeps, request: RightsRequest): Promise<void> {
  const userId = request.userId;
  if (!userId) throw new Error('an account-deletion request names no account');
  const user = await deps.accounts.getUser(userId);
  if (user) {
    for (const card of await deps.cards.store.list(userId)) {
      await releaseCard(deps.cards, card, { reason: 'account_deleted' });
    }
    // Other open requests of the account are answered by its deletion (an objection to a
    // processing that no longer happens); completing them leaves them storage-only too.
    const others = (await deps.requests.listForUser(userId)).filter(
      (r) => r.status !== 'completed' && r.requestId !== request.requestId,
    );
    for (const other of others) {
      await deps.requests.complete(
        other.requestId,
        deps.clock.now().getTime(),
        storageOnlyUntil(deps.clock.now().getTime()),
      );
    }
    const identity = await deps.identity(userId);
    const outcome = await deps.eraser.erase(
      {
        userId,
        phoneToken: user.phoneToken,
        pairToken: identity ? identityPairToken(deps.indexer, identity.name, identity.idNumber) : undefined,
      },
      storageOnlyUntil(deps.clock.now().getTime()),
    );
    logger.info('account erased', { requestId: request.requestId, ...outcome });
  }
  const now = deps.clock.now().getTime();
  await deps.requests.complete(request.requestId, now, storageOnlyUntil(now), {
    event: 'privacy.deletion_completed',
    userId,
    detail: { requestId: request.requestId },
    at: now,
  });
}

/**
 * The deletion job: every open account-deletion request, oldest due first. A request that fails
 * (a HIS down) stays open with its attempt counted and is tried on the next run.
 */
export async function runAccountDeletions(
  deps: DeletionDeps,
): Promise<{ completed: number; failed: number }> {
  const open = (await deps.requests.listOpen()).filter((r) => r.kind === 'account_deletion');
  let completed = 0;
  let failed = 0;
  for (const queued of open) {
    const request = await deps.requests.get(queued.requestId);
    if (!request) continue;
    try {
      await completeAccountDeletion(deps, request);
      completed++;
    } catch (error) {
      failed++;
      const reason = error instanceof Error ? error.name : 'unknown';
      logger.warn('account deletion deferred', { requestId: request.requestId, reason });
      await deps.requests.recordFailure(request.requestId, reason);
    }
  }
  return { completed, failed };
}
