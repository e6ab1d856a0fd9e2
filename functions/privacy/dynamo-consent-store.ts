import type { PolicyAcceptance } from '../auth/ports';
import { keys } from '../store/keys';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { ConsentEntry, ConsentPurpose, ConsentStore } from './consents';
import { accessDataMark } from './retention-marks';

/**
 * The only writer of consent: `USER#<id>/CONSENT#<purpose>#<time>` entries are only ever added (a
 * conditional put), and the purpose's `CONSENTSTATE#<purpose>` item, written in the same
 * transaction, is what features read. Registration and guardian consent compose these writes into
 * their own transactions.
 */
export class DynamoConsentStore implements ConsentStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  /** The append-only record of one entry (a guardian's names the card it was given for). */
  async entryWrite(entry: ConsentEntry): Promise<Write> {
    return this.#table.put(
      `consent:${entry.purpose}`,
      {
        ...keys.consent(entry.userId, entry.purpose, entry.at, entry.cardId),
        ...entry,
        // Access data goes 30 days after the consent (the retention job, by this mark).
        ...(entry.ipPrefix || entry.userAgent ? accessDataMark(entry.at) : {}),
      },
      {},
      conditions.absent,
    );
  }

  async #stateWrite(
    userId: string,
    purpose: string,
    state: { accepted: boolean; policyVersion: string; at: number },
  ) {
    return this.#table.put(`state:${purpose}`, { ...keys.consentState(userId, purpose), ...state });
  }

  /** Registration: a record per purpose the policy covers, and the accepted policy version. */
  async policyAcceptanceWrites(userId: string, acceptance: PolicyAcceptance): Promise<Write[]> {
    const entries = await Promise.all(
      acceptance.purposes.map((purpose) =>
        this.entryWrite({
          userId,
          purpose,
          policyVersion: acceptance.policyVersion,
          accepted: true,
          at: acceptance.at,
          ipPrefix: acceptance.ipPrefix,
          userAgent: acceptance.userAgent,
          by: 'self',
        }),
      ),
    );
    return [
      ...entries,
      await this.#stateWrite(userId, 'privacy_policy', {
        accepted: true,
        policyVersion: acceptance.policyVersion,
        at: acceptance.at,
      }),
    ];
  }

  async record(entry: ConsentEntry): Promise<void> {
    const outcome = await this.#table.commit([
      await this.entryWrite(entry),
      await this.#stateWrite(entry.userId, entry.purpose, {
        accepted: entry.accepted,
        policyVersion: entry.policyVersion,
        at: entry.at,
      }),
    ]);
    if (!outcome.ok) throw new Error('consent record already exists for this instant');
  }

  async current(userId: string, purpose: ConsentPurpose) {
    const stored = await this.#table.get(keys.consentState(userId, purpose));
    return stored
      ? { accepted: stored.item.accepted === true, policyVersion: String(stored.item.policyVersion) }
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
    }));
  }
}
