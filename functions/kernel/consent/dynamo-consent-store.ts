import { keys } from '../../store/keys';
import { conditions, type SealedTable, type Write } from '../../store/sealed-table';
import type { AuditEvent, AuditWriter } from '../audit/ports';
import { accessDataMark } from '../retention-marks';
import type { ConsentEntry, ConsentPurpose, ConsentStore, PolicyAcceptance } from './consents';

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
        ...keys.consent(entry.userId, entry.purpose, entry.at, entry.cardId),
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
    const newest = items[0]?.item;
    return newest
      ? { accepted: newest.accepted === true, policyVersion: String(newest.policyVersion) }
      : undefined;
  }

  async history(userId: string): Promise<ConsentEntry[]> {
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.consentPrefix,
    });
    return stored.map(({ item }) => ({
      userId: String(item.userId),
      purpose: String(item.purpose),
      policyVersion: String(item.policyVersion),
      accepted: item.accepted === true,
      at: Number(item.at),
      ...(item.ipPrefix === undefined ? {} : { ipPrefix: String(item.ipPrefix) }),
      ...(item.userAgent === undefined ? {} : { userAgent: String(item.userAgent) }),
      by: item.by as ConsentEntry['by'],
      ...(item.cardId === undefined ? {} : { cardId: String(item.cardId) }),
      ...(item.sessionId === undefined ? {} : { sessionId: String(item.sessionId) }),
      ...(Array.isArray(item.covers) ? { covers: item.covers.map(String) } : {}),
    }));
  }
}
