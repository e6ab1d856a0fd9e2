import type { ConsentEntry } from '../privacy/consents';
import { keys } from '../store/keys';
import { conditions, type SealedTable, type StoredItem, type Write } from '../store/sealed-table';
import type { CardRecord, CardStatus, CardStore, CreateOutcome, HospitalIndex } from './ports';

function split(card: CardRecord) {
  // Birth date and sex come from the ID number: personal information, sealed with it.
  const { name, idNumber, phone, hisPatientId, cardNo, birthDate, sex, ...plain } = card;
  const sealed: Record<string, string> = { name, idNumber, phone };
  if (birthDate) sealed.birthDate = birthDate;
  if (sex) sealed.sex = sex;
  if (hisPatientId) sealed.hisPatientId = hisPatientId;
  if (cardNo) sealed.cardNo = cardNo;
  return { plain: { ...keys.card(card.userId, card.cardId), ...plain }, sealed };
}

function toCard(stored: StoredItem): CardRecord {
  const { pk: _pk, sk: _sk, ...plain } = stored.item;
  return { ...plain, ...stored.sealed } as unknown as CardRecord;
}

/**
 * Medical cards: `USER#<id>/CARD#<cardId>` (sealed name, ID number, phone, hospital ids), the
 * per-person claim and the card count per hospital (`CARDPERSON#`, `CARDCOUNT#`) and the
 * Idempotency-Key record, all in the account's partition and written in one transaction; the
 * hospital's indexes (`HOSPITAL#<id>`) once the HIS knows the patient.
 */
export class DynamoCardStore implements CardStore {
  readonly #table: SealedTable;
  readonly #consentWrite: (entry: ConsentEntry) => Promise<Write>;

  /** `consentWrite`: the consent store's record of a guardian's consent, composed into creation. */
  constructor(table: SealedTable, consentWrite: (entry: ConsentEntry) => Promise<Write>) {
    this.#table = table;
    this.#consentWrite = consentWrite;
  }

  async create(
    card: CardRecord,
    options: {
      limit: number;
      idempotency: { key: string; bodyHash: string; expiresAt: number };
      consent?: ConsentEntry;
    },
  ): Promise<CreateOutcome> {
    const t = this.#table;
    const { plain, sealed } = split(card);
    const idempotencyKey = keys.idempotency(card.userId, options.idempotency.key);
    const outcome = await t.commit([
      await t.put('card', plain, sealed, conditions.absent),
      await t.put(
        'person',
        { ...keys.cardPerson(card.userId, card.hospitalId, card.personToken), cardId: card.cardId },
        {},
        conditions.absent,
      ),
      await t.update(
        'count',
        keys.cardCount(card.userId, card.hospitalId),
        { add: { count: 1 } },
        {
          condition: {
            expression: 'attribute_not_exists(#c) OR #c < :limit',
            names: { '#c': 'count' },
            values: { ':limit': options.limit },
          },
        },
      ),
      await t.put(
        'idempotency',
        {
          ...idempotencyKey,
          bodyHash: options.idempotency.bodyHash,
          cardId: card.cardId,
          ttl: Math.ceil(options.idempotency.expiresAt / 1000),
          expiresAt: options.idempotency.expiresAt,
        },
        {},
        {
          expression: 'attribute_not_exists(pk) OR #expiresAt < :now',
          names: { '#expiresAt': 'expiresAt' },
          values: { ':now': card.createdAt },
        },
      ),
      ...(options.consent ? [await this.#consentWrite({ ...options.consent, cardId: card.cardId })] : []),
    ]);
    if (outcome.ok) return { kind: 'created' };
    if (outcome.refused.includes('idempotency')) {
      const record = await t.get(idempotencyKey);
      return {
        kind: 'replayed',
        cardId: record?.item.cardId as string,
        sameBody: record?.item.bodyHash === options.idempotency.bodyHash,
      };
    }
    if (outcome.refused.includes('person')) return { kind: 'person_exists' };
    return { kind: 'limit_reached' };
  }

  async get(userId: string, cardId: string): Promise<CardRecord | undefined> {
    const stored = await this.#table.get(keys.card(userId, cardId));
    return stored ? toCard(stored) : undefined;
  }

  async list(userId: string): Promise<CardRecord[]> {
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.cardPrefix,
    });
    return stored.map(toCard);
  }

  async replace(
    card: CardRecord,
    expectedStatus: CardStatus,
    hospitalIndex?: HospitalIndex,
  ): Promise<boolean> {
    const t = this.#table;
    const { plain, sealed } = split(card);
    const ref = { userId: card.userId, cardId: card.cardId };
    const outcome = await t.commit([
      await t.put('card', plain, sealed, {
        expression: '#status = :expected',
        names: { '#status': 'status' },
        values: { ':expected': expectedStatus },
      }),
      ...(hospitalIndex
        ? [
            await t.put('patientIndex', {
              ...keys.hospitalPatient(card.hospitalId, hospitalIndex.patientToken),
              ...ref,
            }),
            await t.put('idNumberIndex', {
              ...keys.hospitalIdNumber(card.hospitalId, card.personToken, card.cardId),
              ...ref,
            }),
          ]
        : []),
    ]);
    return outcome.ok;
  }

  async findByHospitalPatient(hospitalId: string, patientToken: string) {
    const stored = await this.#table.get(keys.hospitalPatient(hospitalId, patientToken));
    return stored
      ? { userId: stored.item.userId as string, cardId: stored.item.cardId as string }
      : undefined;
  }

  async findByHospitalIdNumber(hospitalId: string, personToken: string) {
    const stored = await this.#table.queryAll({
      pk: keys.hospitalPartition(hospitalId),
      skPrefix: keys.hospitalIdNumberPrefix(personToken),
    });
    return stored.map(({ item }) => ({ userId: item.userId as string, cardId: item.cardId as string }));
  }

  async remove(card: CardRecord, hospitalIndex?: HospitalIndex): Promise<void> {
    const t = this.#table;
    const outcome = await t.commit([
      ...(hospitalIndex
        ? [
            t.delete('patientIndex', keys.hospitalPatient(card.hospitalId, hospitalIndex.patientToken)),
            t.delete('idNumberIndex', keys.hospitalIdNumber(card.hospitalId, card.personToken, card.cardId)),
          ]
        : []),
      t.delete('card', keys.card(card.userId, card.cardId), conditions.present),
      t.delete('person', keys.cardPerson(card.userId, card.hospitalId, card.personToken)),
      await t.update(
        'count',
        keys.cardCount(card.userId, card.hospitalId),
        { add: { count: -1 } },
        { condition: { expression: '#c > :zero', names: { '#c': 'count' }, values: { ':zero': 0 } } },
      ),
    ]);
    if (!outcome.ok) throw new Error(`card not removed: ${outcome.refused.join(', ')}`);
  }
}
