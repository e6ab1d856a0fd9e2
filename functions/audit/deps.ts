import { appKeys, plainTable, platform } from '../platform/deps';
import { once } from '../platform/runtime';
import { DynamoAuditChain } from './dynamo-audit-chain';
import type { ChainDeps } from './link-entries';

/** The chain worker's composition root: the chain's items and the audit key. */
export function chainDeps(): Promise<ChainDeps> {
  return once<Promise<ChainDeps>>('chainDeps', async () => ({
    chain: new DynamoAuditChain(plainTable()),
    auditKey: (await appKeys()).auditKey,
    clock: platform().clock,
  }));
}
