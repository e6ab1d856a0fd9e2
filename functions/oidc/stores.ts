import type { AuditWriter } from '../kernel/audit/ports';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import type { SealedTable } from '../store/sealed-table';
import { DynamoOidcStore } from './dynamo-oidc-store';

/** The OpenID provider's store, its consent writes going to the ledger in its own transactions. */
export function oidcStore(table: SealedTable, audit: AuditWriter): DynamoOidcStore {
  const ledger = consentLedger(table, audit);
  return new DynamoOidcStore(table, { audit, consent: (entry) => ledger.entryWrite(entry) });
}
