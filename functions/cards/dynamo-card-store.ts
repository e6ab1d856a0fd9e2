import * as z from 'zod/mini';
import type { CodeUse } from '../auth';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import type { ConsentEntry } from '../kernel/consent/consents';
import { keys } from '../store/keys';
import { attr, parseRow, readRow } from '../store/rows';
import { conditions, type SealedTable, type StoredItem, type Write } from '../store/sealed-table';
import { idTypes, insuranceTypes, relationships } from './codes';
import type { CardRecord, CardStatus, CardStore, CreateOutcome, HospitalIndex } from './ports';
import { cardStatuses, proofMethods } from './ports';

/** The writes other stores own, composed into the card's transactions. */
export interface CardStoreParts {
  readonly consent: (entry: ConsentEntry) => Promise<Write>;
  readonly audit: AuditWriter;
  readonly code?: ((use: CodeUse) => Promise<Write>) | undefined;
}

function split(card: CardRecord, hospitalIndex?: HospitalIndex) {
  // Birth date and sex come from the ID number: personal information, sealed with it.
  const { name, idNumber, phone, hisPatientId, cardNo, birthDate, sex, phoneOnFile, ...plain } = card;
  const sealed: Record<string, string> = { name, idNumber, phone };
  if (birthDate) sealed.birthDate = birthDate;
  if (sex) sealed.sex = sex;
  if (hisPatientId) sealed.hisPatientId = hisPatientId;
  if (cardNo) sealed.cardNo = cardNo;
  if (phoneOnFile) sealed.phoneOnFile = phoneOnFile;
  return {
    plain: {
      ...keys.card(card.userId, card.cardId),
      ...plain,
      // The hospital's lookups: sparse indexes over active cards only.
      ...(hospitalIndex
        ? {
            hisPatientKey: keys.hisPatientIndexKey(card.hospitalId, hospitalIndex.patientToken),
            hospitalPersonKey: keys.hospitalPersonIndexKey(card.hospitalId, card.personToken),
          }
        : {}),
    },
    sealed,
  };
}

/** `USER#<id>/CARD#<card>`: what `split` writes (the hospital's index keys are not the card's). */
const cardRow = z.object({
  userId: attr.text(),
  cardId: attr.text(),
  hospitalId: attr.text(),
  relationship: attr.code(relationships),
  idType: attr.code(idTypes),
  insuranceType: attr.code(insuranceTypes),
  status: z.enum(cardStatuses),
  reason: attr.optional(attr.text()),
  personToken: attr.text(),
  minor: attr.flag(),
  createdAt: attr.time(),
  updatedAt: attr.time(),
  attempts: attr.number(),
  bodyHash: attr.optional(attr.text()),
  hisOwned: attr.optional(attr.flag()),
  proofMethod: z.optional(z.enum(proofMethods)),
  provenBy: z.optional(z.enum(['identity', ...proofMethods])),
  // Sealed:
  name: attr.text(),
  idNumber: attr.text(),
  phone: attr.text(),
  birthDate: attr.optional(attr.text()),
  sex: z.optional(z.enum(['male', 'female'])),
  hisPatientId: attr.optional(attr.text()),
  cardNo: attr.optional(attr.text()),
  phoneOnFile: attr.optional(attr.text()),
});
const cardKeys = z.object({ pk: attr.text(), sk: attr.text() });

function toCard(stored: StoredItem): CardRecord {
  return readRow('card', cardRow, stored);
}

/**
 * Medical cards: `USER#<id>/CARD#<cardId>` (sealed name, ID number, phone, hospital ids; the id is
 * derived from the Idempotency-Key, so the card is its own idempotency record) and the account's
 * `CARDS#<hospital>` item (count and the blind indexes of the people, so the limit and "once per
 * person" are one conditional update), written with the audit entry in one transaction. A
 * hospital finds active cards through two sparse indexes DynamoDB keeps with the card.
 */
export class DynamoCardStore implements CardStore {
  readonly #table: SealedTable;
  readonly #parts: CardStoreParts;

  /**
   * `consent`: the consent store's record of a guardian's consent, composed into creation; `code`:
   * the use of a proof code, composed into the proven binding's write.
   */
  constructor(table: SealedTable, parts: CardStoreParts) {
    this.#table = table;
    this.#parts = parts;
  }

  async create(
    card: CardRecord,
    options: { limit: number; consent?: ConsentEntry; audit: AuditEvent },
    retried = false,
  ): Promise<CreateOutcome> {
    const t = this.#table;
    const { plain, sealed } = split(card);
    const outcome = await t.commit([
      await t.put('card', plain, sealed, conditions.absent),
      await t.update(
        'cardsAt',
        keys.cardsAt(card.userId, card.hospitalId),
        { add: { count: 1 }, addToSet: { persons: card.personToken } },
        {
          condition: {
            expression: '(attribute_not_exists(#c) OR #c < :limit) AND NOT contains(#p, :person)',
            names: { '#c': 'count', '#p': 'persons' },
            values: { ':limit': options.limit, ':person': card.personToken },
          },
        },
      ),
      ...(options.consent ? [await this.#parts.consent({ ...options.consent, cardId: card.cardId })] : []),
      await this.#parts.audit.write(options.audit),
    ]);
    if (outcome.ok) return { kind: 'created' };
    if (outcome.refused.includes('card')) {
      // The same Idempotency-Key made this card already: the same body is a replay.
      const existing = await t.get(keys.card(card.userId, card.cardId), { open: false });
      if (existing) {
        return { kind: 'replayed', cardId: card.cardId, sameBody: existing.item.bodyHash === card.bodyHash };
      }
      // Unbound between our write and this read: the key is free again.
      if (!retried) return this.create(card, options, true);
    }
    const at = await t.get(keys.cardsAt(card.userId, card.hospitalId));
    const persons = at?.item.persons;
    const known = persons instanceof Set ? persons.has(card.personToken) : false;
    return known ? { kind: 'person_exists' } : { kind: 'limit_reached' };
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
    audit: AuditEvent,
    hospitalIndex?: HospitalIndex,
    also: { readonly code?: CodeUse } = {},
  ): Promise<boolean> {
    const t = this.#table;
    const { plain, sealed } = split(card, hospitalIndex);
    if (also.code && !this.#parts.code) throw new Error('this card store cannot use up codes');
    const outcome = await t.commit([
      await t.put('card', plain, sealed, {
        expression: '#status = :expected',
        names: { '#status': 'status' },
        values: { ':expected': expectedStatus },
      }),
      await this.#parts.audit.write(audit),
      ...(also.code && this.#parts.code ? [await this.#parts.code(also.code)] : []),
    ]);
    return outcome.ok;
  }

  async findByHospitalPatient(hospitalId: string, patientToken: string) {
    const stored = await this.#table.queryAll({
      pk: keys.hisPatientIndexKey(hospitalId, patientToken),
      index: { name: 'cardsByHisPatient', pk: 'hisPatientKey' },
      keysOnly: true,
    });
    return stored.map(({ item }) => keys.cardOf(parseRow('card', cardKeys, item)));
  }

  async findByHospitalIdNumber(hospitalId: string, personToken: string) {
    const stored = await this.#table.queryAll({
      pk: keys.hospitalPersonIndexKey(hospitalId, personToken),
      index: { name: 'cardsByHospitalPerson', pk: 'hospitalPersonKey' },
      keysOnly: true,
    });
    return stored.map(({ item }) => keys.cardOf(parseRow('card', cardKeys, item)));
  }

  async remove(card: CardRecord, audit: AuditEvent): Promise<void> {
    const t = this.#table;
    const outcome = await t.commit([
      t.delete('card', keys.card(card.userId, card.cardId), conditions.present),
      await t.update(
        'cardsAt',
        keys.cardsAt(card.userId, card.hospitalId),
        { add: { count: -1 }, deleteFromSet: { persons: card.personToken } },
        { condition: { expression: '#c > :zero', names: { '#c': 'count' }, values: { ':zero': 0 } } },
      ),
      await this.#parts.audit.write(audit),
    ]);
    if (!outcome.ok) throw new Error(`card not removed: ${outcome.refused.join(', ')}`);
  }
}
