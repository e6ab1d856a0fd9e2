import { storedEntries, verifyChainIn } from '../audit';
import { macMatches } from '../kernel/audit/audit-entry';
import type { SealedTable } from '../store/sealed-table';
import type { StoredEntry } from './incident';
import type { AuditEntries } from './ports';

/**
 * The audit trail as an incident reads it: a day's entries from every shard, each believed only if
 * its MAC verifies under the audit key, and the chain's verdict over the days searched.
 */
export function dynamoAuditEntries(
  table: SealedTable,
  auditKey: Uint8Array,
  maxUnchainedSeconds: number,
): AuditEntries {
  return {
    entries: (day) => storedEntries(table, day) as Promise<StoredEntry[]>,
    trusted: (entry) => macMatches(auditKey, entry as Readonly<Record<string, unknown>>),
    async verify(from, to, now) {
      const report = await verifyChainIn(table, auditKey, { from, to, now, maxUnchainedSeconds });
      if (report.problems.length === 0)
        return `intact (${report.entries} entries in ${report.blocks} blocks, ${report.pending} not chained yet)`;
      return `${report.problems.length} problem(s): ${[...new Set(report.problems.map((p) => p.kind))].join(', ')}`;
    },
  };
}
