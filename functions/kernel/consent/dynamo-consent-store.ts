import * as z from 'zod/mini';
import { keys } from '../../store/keys';
import { attr, parseRow } from '../../store/rows';
import { conditions, type SealedTable, type Write } from '../../store/sealed-table';
import { type AuditEvent, type AuditWriter, readOnly } from '../audit/ports';
import { accessDataMark } from '../retention-marks';
import {
  APP_SHARING,
  type ConsentEntry,
  type ConsentPurpose,
  type ConsentStore,
  type PolicyAcceptance,
} from './consents';

/** `USER#<id>/CONSENT#<purpose>#<time>[#<card>]`: one ledger entry, as `entryWrite` writes it. */
const consentRow = z.object({
  userId: attr.text(),
  purpose: attr.text(),
  policyVersion: attr.text(),
  accepted: attr.flag(),
  at: attr.time(),
  ipPrefix: attr.optional(attr.text()),
  userAgent: attr.optional(attr.text()),
  by: z.enum(['self', 'guardian']),
  cardId: attr.optional(attr.text()),
  sessionId: attr.optional(attr.text()),
  covers: attr.optional(attr.texts()),
  recipient: attr.optional(attr.text()),
});

/**
 * The only writer of consent: `USER#<id>/CONSENT#<purpose>#<time>` entries are only ever added (a
 * conditional put), and a purpose's current state is its newest entry (a query of one item, the
 * price of a read). Registration and guardian consent compose these writes into their own
 * transactions.
 */
export class DynamoConsentStore implements ConsentStore {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;

  constructor(table: SealedTable, audit: AuditWriter) {
    this.#table = table;
    this.#audit = audit;
  }

  /** The append-only record of one entry (a guardian's names the card it was given for). */
  async entryWrite(entry: ConsentEntry): Promise<Write> {
    return this.#table.put(
      `consent:${entry.purpose}`,
      {
        ...keys.consent(entry.userId, entry.purpose, entry.at, entry.cardId ?? entry.recipient),
        ...entry,
        ...(entry.covers ? { covers: [...entry.covers] } : {}),
        // Access data goes 30 days after the consent (the retention job, by this mark).
        ...(entry.ipPrefix || entry.userAgent
          ? accessDataMark(entry.at, keys.accountPartition(entry.userId))
          : {}),
      },
      {},
      conditions.absent,
    );
  }

  /**
   * Registration: one record of accepting the policy version, naming the purposes it covers and
   * the session it was given in.
   */
  async policyAcceptanceWrites(
    userId: string,
    acceptance: PolicyAcceptance,
    sessionId: string,
  ): Promise<Write[]> {
    return [
      await this.entryWrite({
        userId,
        purpose: 'privacy_policy',
        policyVersion: acceptance.policyVersion,
        accepted: true,
        at: acceptance.at,
        by: 'self',
        sessionId,
        covers: acceptance.purposes,
      }),
    ];
  }

  async record(entry: ConsentEntry, audit: AuditEvent): Promise<void> {
    const outcome = await this.#table.commit([await this.entryWrite(entry), await this.#audit.write(audit)]);
    if (!outcome.ok) throw new Error('consent record already exists for this instant');
  }

  async current(userId: string, purpose: ConsentPurpose) {
    const { items } = await this.#table.query({
      pk: keys.accountPartition(userId),
      skPrefix: keys.consentPurposePrefix(purpose),
      newestFirst: true,
      limit: 1,
    });
    const newest = items[0] && parseRow('consent', consentRow, items[0].item);
    return newest ? { accepted: newest.accepted, policyVersion: newest.policyVersion } : undefined;
  }

  async sharing(userId: string, recipient: string): Promise<ConsentEntry | undefined> {
    // A person shares with a handful of apps: their entries are few, read newest first.
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.consentPurposePrefix(APP_SHARING),
      newestFirst: true,
    });
    return stored
      .map(({ item }) => parseRow('consent', consentRow, item))
      .find((entry) => entry.recipient === recipient);
  }

  async history(userId: string): Promise<ConsentEntry[]> {
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.consentPrefix,
    });
    return stored.map(({ item }) => parseRow('consent', consentRow, item));
  }
}

/** The consent ledger as every composition root builds it (read-only unless given the audit trail). */
export function consentLedger(table: SealedTable, audit: AuditWriter = readOnly): DynamoConsentStore {
  return new DynamoConsentStore(table, audit);
}
