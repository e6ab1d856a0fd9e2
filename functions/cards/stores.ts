import type { CodeUse } from '../auth';
import { type AuditWriter, readOnly } from '../kernel/audit/ports';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import type { SealedTable, Write } from '../store/sealed-table';
import { DynamoCardStore } from './dynamo-card-store';
import { DynamoEventFeed } from './dynamo-event-feed';

/**
 * The card store as every composition root builds it: a guardian's consent is written by the
 * consent ledger in the card's own transaction, the audit entry by the audit trail, and (for
 * changes a code allows) the code's use by the login feature's challenges.
 */
export function cardStore(
  table: SealedTable,
  audit: AuditWriter = readOnly,
  code?: (use: CodeUse) => Promise<Write>,
): DynamoCardStore {
  const consents = consentLedger(table);
  return new DynamoCardStore(table, { consent: (entry) => consents.entryWrite(entry), audit, code });
}

/** The feed of card events each hospital reads (and the webhook worker writes). */
export function eventFeed(table: SealedTable): DynamoEventFeed {
  return new DynamoEventFeed(table);
}
