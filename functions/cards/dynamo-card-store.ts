import { QueryCommand, TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ConsentRecord } from '../auth/ports';
import { accessDataMark } from '../privacy/retention-marks';
import type { SealedTable } from '../store/sealed-table';
import type { CardRecord, CardStatus, CardStore, CreateOutcome, HospitalIndex } from './ports';

const keys = {
  card: (userId: string, cardId: string) => ({ pk: `USER#${userId}`, sk: `CARD#${cardId}` }),
  person: (userId: string, hospitalId: string, personToken: string) => ({
    pk: `CARDPERSON#${userId}#${hospitalId}`,
    sk: personToken,
  }),
  count: (userId: string, hospitalId: string) => ({ pk: `USER#${userId}`, sk: `CARDCOUNT#${hospitalId}` }),
  idempotency: (userId: string, key: string) => ({ pk: `IDEMPOTENCY#${userId}`, sk: key }),
  hospitalPatient: (hospitalId: string, patientToken: string) => ({
    pk: `HOSPITAL#${hospitalId}`,
    sk: `PATIENT#${patientToken}`,
  }),
  hospitalIdNumber: (hospitalId: string, personToken: string, cardId: string) => ({
    pk: `HOSPITAL#${hospitalId}`,
    sk: `IDNUM#${personToken}#${cardId}`,
  }),
  consent: (userId: string, at: number, cardId: string) => ({
    pk: `USER#${userId}`,
    sk: `CONSENT#guardian_minor#${new Date(at).toISOString()}#${cardId}`,
  }),
};

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

/**
 * Medical cards: `USER#<id>/CARD#<cardId>` (sealed name, ID number, phone, hospital ids), a
 * per-person claim per account and hospital, a card count per account and hospital, and the
 * Idempotency-Key record, all written in one transaction.
 */
export class DynamoCardStore implements CardStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async create(
    card: CardRecord,
    options: {
      limit: number;
      idempotency: { key: string; bodyHash: string; expiresAt: number };
      consent?: ConsentRecord;
    },
  ): Promise<CreateOutcome> {
    const t = this.#table;
    const notExists = { expression: 'attribute_not_exists(pk)' };
    const { plain, sealed } = split(card);
    const items: TransactWriteItem[] = [
      await t.transactPut(plain, sealed, notExists),
      await t.transactPut(
        { ...keys.person(card.userId, card.hospitalId, card.personToken), cardId: card.cardId },
        {},
        notExists,
      ),
      {
        Update: {
          TableName: t.tableName,
          Key: marshall(keys.count(card.userId, card.hospitalId)),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: marshall({ ':one': 1, ':limit': options.limit }),
        },
      },
      await t.transactPut(
        {
          ...keys.idempotency(card.userId, options.idempotency.key),
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
      ...(options.consent
        ? [
            await t.transactPut(
              {
                ...keys.consent(card.userId, options.consent.at, card.cardId),
                ...options.consent,
                purposes: undefined,
                purpose: 'guardian_minor',
                cardId: card.cardId,
                ...accessDataMark(options.consent.at),
              },
              {},
              notExists,
            ),
          ]
        : []),
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        await t.transactWrite(items);
        return { kind: 'created' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((r) => r.Code);
        if (codes[3] === 'ConditionalCheckFailed') {
          const record = await t.get(keys.idempotency(card.userId, options.idempotency.key));
          return {
            kind: 'replayed',
            cardId: record?.item.cardId as string,
            sameBody: record?.item.bodyHash === options.idempotency.bodyHash,
          };
        }
        if (codes[1] === 'ConditionalCheckFailed') return { kind: 'person_exists' };
        if (codes[2] === 'ConditionalCheckFailed') return { kind: 'limit_reached' };
        // Parallel requests on the same count item conflict; DynamoDB asks us to try again.
        if (codes.includes('TransactionConflict') && attempt < 5) {
          await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
          continue;
        }
        throw error;
      }
    }
  }

  async get(userId: string, cardId: string): Promise<CardRecord | undefined> {
    const stored = await this.#table.get(keys.card(userId, cardId));
    return stored ? ({ ...stored.item, ...stored.sealed } as unknown as CardRecord) : undefined;
  }

  async list(userId: string): Promise<CardRecord[]> {
    const out = await this.#table.client.send(
      new QueryCommand({
        TableName: this.#table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': `USER#${userId}`, ':prefix': 'CARD#' }),
      }),
    );
    const cards: CardRecord[] = [];
    for (const raw of out.Items ?? []) {
      const { item, sealed } = await this.#table.fromStorage(raw);
      cards.push({ ...item, ...sealed } as unknown as CardRecord);
    }
    return cards;
  }

  async replace(
    card: CardRecord,
    expectedStatus: CardStatus,
    hospitalIndex?: HospitalIndex,
  ): Promise<boolean> {
    const { plain, sealed } = split(card);
    const condition = {
      expression: '#status = :expected',
      names: { '#status': 'status' },
      values: { ':expected': expectedStatus },
    };
    try {
      if (!hospitalIndex) {
        await this.#table.put(plain, sealed, condition);
        return true;
      }
      const ref = { userId: card.userId, cardId: card.cardId };
      await this.#table.transactWrite([
        await this.#table.transactPut(plain, sealed, condition),
        await this.#table.transactPut({
          ...keys.hospitalPatient(card.hospitalId, hospitalIndex.patientToken),
          ...ref,
        }),
        await this.#table.transactPut({
          ...keys.hospitalIdNumber(card.hospitalId, card.personToken, card.cardId),
          ...ref,
        }),
      ]);
      return true;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') return false;
      throw error;
    }
  }

  async findByHospitalPatient(hospitalId: string, patientToken: string) {
    const stored = await this.#table.get(keys.hospitalPatient(hospitalId, patientToken));
    return stored
      ? { userId: stored.item.userId as string, cardId: stored.item.cardId as string }
      : undefined;
  }

  async findByHospitalIdNumber(hospitalId: string, personToken: string) {
    const out = await this.#table.client.send(
      new QueryCommand({
        TableName: this.#table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({
          ':pk': `HOSPITAL#${hospitalId}`,
          ':prefix': `IDNUM#${personToken}#`,
        }),
      }),
    );
    return (out.Items ?? []).map((raw) => ({
      userId: raw.userId?.S as string,
      cardId: raw.cardId?.S as string,
    }));
  }

  async remove(card: CardRecord, hospitalIndex?: HospitalIndex): Promise<void> {
    const table = this.#table.tableName;
    await this.#table.transactWrite([
      ...(hospitalIndex
        ? [
            {
              Delete: {
                TableName: table,
                Key: marshall(keys.hospitalPatient(card.hospitalId, hospitalIndex.patientToken)),
              },
            },
            {
              Delete: {
                TableName: table,
                Key: marshall(keys.hospitalIdNumber(card.hospitalId, card.personToken, card.cardId)),
              },
            },
          ]
        : []),
      {
        Delete: {
          TableName: this.#table.tableName,
          Key: marshall(keys.card(card.userId, card.cardId)),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Delete: {
          TableName: this.#table.tableName,
          Key: marshall(keys.person(card.userId, card.hospitalId, card.personToken)),
        },
      },
      {
        Update: {
          TableName: this.#table.tableName,
          Key: marshall(keys.count(card.userId, card.hospitalId)),
          UpdateExpression: 'ADD #count :minus',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: marshall({ ':minus': -1, ':zero': 0 }),
        },
      },
    ]);
  }
}
