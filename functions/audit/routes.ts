import type { Touches, WorkerDefinition } from '../core/route';
import { auditEntryInserts } from './stream-filter';

/** The audit trail has no routes: its chain worker and its daily check. */
export const auditWorkers = {
  /**
   * Links new audit entries into the chain: the table's stream, filtered to audit entries, one
   * ordered batch at a time per shard, split and retried on error, its position dead-lettered last.
   */
  auditChain: {
    group: 'audit-chain',
    handler: 'audit/handlers/chain-worker',
    trigger: 'stream',
    stream: auditEntryInserts,
    touches: { table: 'readwrite', appSecret: true } satisfies Touches,
  },
  /** Checks the audit trail daily (yesterday and today) and publishes what it finds (alarmed). */
  auditVerify: {
    group: 'audit-verify',
    handler: 'audit/handlers/verify-job',
    trigger: 'schedule',
    touches: { table: 'read', appSecret: true } satisfies Touches,
  },
} as const satisfies Record<string, WorkerDefinition>;
