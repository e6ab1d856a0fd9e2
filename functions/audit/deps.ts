import type { EmfMetricsSink } from '../core/metrics';
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

/** The scheduled verification: the chain's items, the audit key, the allowed lag and metrics. */
export function verifyDeps(): Promise<
  ChainDeps & { readonly maxUnchainedSeconds: number; readonly metrics: EmfMetricsSink }
> {
  return once('verifyDeps', async () => ({
    ...(await chainDeps()),
    maxUnchainedSeconds: platform().config.audit.maxUnchainedSeconds,
    metrics: platform().metrics,
  }));
}
