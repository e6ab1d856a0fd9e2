import { type ChainVerdict, verifyChain } from './audit-chain';
import { AUDIT_SHARDS, type DynamoAuditLog } from './dynamo-audit-log';

export interface PartitionVerdict {
  readonly partition: string;
  readonly verdict: ChainVerdict;
}

/** Days from `from` to `to` inclusive, as `YYYY-MM-DD` (UTC, as partitions are keyed). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

/** Verifies every audit partition of the days in range; an empty partition with no head passes. */
export async function verifyAuditRange(
  trail: Pick<DynamoAuditLog, 'partition'>,
  chainKey: Uint8Array,
  range: { from: string; to: string },
): Promise<PartitionVerdict[]> {
  const verdicts: PartitionVerdict[] = [];
  for (const day of daysBetween(range.from, range.to)) {
    for (let shard = 0; shard < AUDIT_SHARDS; shard++) {
      const { partition, entries, head } = await trail.partition(day, shard);
      verdicts.push({ partition, verdict: verifyChain(chainKey, entries, head) });
    }
  }
  return verdicts;
}
