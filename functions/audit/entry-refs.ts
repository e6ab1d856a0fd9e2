import type { TableChange } from '../store/stream-records';
import type { EntryRef } from './audit-chain';

/** The entries a batch of new audit items names, in stream order (items without a MAC are not ours). */
export function entryRefs(changes: readonly TableChange[]): EntryRef[] {
  return changes.flatMap((change) =>
    change.kind === 'insert' && typeof change.after?.mac === 'string'
      ? [{ pk: change.pk, sk: change.sk, mac: change.after.mac }]
      : [],
  );
}
