import type { Clock } from '../core/clock';
import { dayOf } from '../kernel/audit/audit-entry';
import { type ChainBlock, type EntryRef, nextBlock } from './audit-chain';
import type { AuditChainStore } from './ports';

export interface ChainDeps {
  readonly chain: AuditChainStore;
  readonly auditKey: Uint8Array;
  readonly clock: Clock;
}

/** Writers racing for the head (one per stream shard) try again this often before giving up. */
const ATTEMPTS = 20;

/**
 * Links newly written entries into the chain: one block naming them in the order the stream
 * delivered them, after the day's head (the day of the block's writing; its first block links to
 * the previous day's head). A lost race for the head means another shard's batch went first:
 * read the head again and build on it. Throws after many losses, so the batch is retried.
 * 1. nothing to link: nothing written;
 * 2. read the day's head (and the previous day's when the day has none);
 * 3. write block and head in one transaction, conditional on that head; a day's first block also
 *    closes the previous day at the head it links to.
 */
export async function linkEntries(
  deps: ChainDeps,
  refs: readonly EntryRef[],
): Promise<ChainBlock | undefined> {
  if (refs.length === 0) return undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const at = deps.clock.now().getTime();
    const day = dayOf(at);
    const head = await deps.chain.head(day);
    const yesterday = dayOf(at - 86_400_000);
    const previousDay = head ? undefined : await deps.chain.head(yesterday);
    const block = nextBlock(deps.auditKey, { day, head, previousDay, refs, at });
    const closing = previousDay ? { day: yesterday, head: previousDay } : undefined;
    if (await deps.chain.append(block, head, closing)) return block;
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** attempt) * Math.random()));
  }
  throw new Error('audit chain head kept moving; the batch will be retried');
}
