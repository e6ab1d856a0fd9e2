import { type AuditWriter, readOnly } from '../kernel/audit/ports';
import type { SealedTable } from '../store/sealed-table';
import { DynamoIdentityStore } from './dynamo-identity-store';

/** Verified identities, as every composition root builds them (read-only unless given the audit trail). */
export function identityStore(table: SealedTable, audit: AuditWriter = readOnly): DynamoIdentityStore {
  return new DynamoIdentityStore(table, audit);
}
