import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { SealedDataError } from '../../functions/core/errors';
import type { AuditWriter } from '../../functions/kernel/audit/ports';
import type { SealedTable } from '../../functions/store/sealed-table';

export interface RewrapReport {
  readonly scanned: number;
  readonly rewrapped: number;
  /** Changed by a writer between the read and the re-wrap: sealed anew by it. */
  readonly changed: number;
  /** Sealed items none of the keyring's keys opens (their keys, which hold no personal data). */
  readonly unopened: ReadonlyArray<{ readonly pk: string; readonly sk: string }>;
}

/**
 * Re-wraps every sealed item of the table with the keyring as it is now: this region's key and
 * the other region's (so what was sealed while that region was unreachable, or in it during a
 * fail-over, opens from a copy on either side). Opens nothing for anyone: the fields are sealed
 * again as they were. One audit entry records the run, by whom, and its counts.
 */
export async function rewrapTable(
  connection: { readonly client: DynamoDBClient; readonly tableName: string },
  table: SealedTable,
  audit: AuditWriter,
  options: { readonly by: string; readonly now: () => number; readonly pageSize?: number },
): Promise<RewrapReport> {
  let scanned = 0;
  let rewrapped = 0;
  let changed = 0;
  const unopened: Array<{ pk: string; sk: string }> = [];
  for await (const page of paginateScan(
    { client: connection.client },
    { TableName: connection.tableName, Limit: options.pageSize ?? 200 },
  )) {
    for (const raw of page.Items ?? []) {
      scanned++;
      try {
        const outcome = await table.rewrap(raw);
        if (outcome === 'rewrapped') rewrapped++;
        if (outcome === 'changed') changed++;
      } catch (error) {
        if (!(error instanceof SealedDataError)) throw error;
        unopened.push({ pk: String(raw.pk?.S), sk: String(raw.sk?.S) });
      }
    }
  }
  const outcome = await table.commit(
    await audit.write({
      event: 'keys.rewrapped',
      at: options.now(),
      detail: { by: options.by, scanned, rewrapped, changed, unopened: unopened.length },
    }),
  );
  if (!outcome.ok) throw new Error('audit entry id collision');
  return { scanned, rewrapped, changed, unopened };
}
