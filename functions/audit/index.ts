import type { SealedTable } from '../store/sealed-table';
import { DynamoAuditChain } from './dynamo-audit-chain';
import { type AuditReport, verifyAudit } from './verify-audit';

export type { AuditReport } from './verify-audit';
export { daysBetween } from './verify-audit';

/**
 * The audit trail's face: verifies the chain held in a table (the live one, or a restored copy
 * the restore test reads) for days `from`..`to`, as of `now`.
 */
export function verifyChainIn(
  table: SealedTable,
  auditKey: Uint8Array,
  range: { from: string; to: string; now: number; maxUnchainedSeconds: number },
): Promise<AuditReport> {
  return verifyAudit({ chain: new DynamoAuditChain(table), auditKey }, range);
}

/** A day's audit entries as stored (every shard), for readers that search the trail (incidents). */
export function storedEntries(
  table: SealedTable,
  day: string,
): Promise<Array<Readonly<Record<string, unknown>>>> {
  return new DynamoAuditChain(table).entries(day);
}
