import { GetItemCommand, PutItemCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealedDataError } from '../../../functions/core/errors';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo, rawTableText } from '../../helpers/dynamo';
import { tempKeyMaterial } from '../../helpers/keys';

const client = localDynamo();
let tableName: string;
let table: SealedTable;

const person = {
  phone: '+8613912345678',
  idNumber: '11010519491231002X',
  name: '欧阳娜娜',
  hisPatientId: 'HIS-778899',
};

beforeAll(async () => {
  tableName = await freshTable(client, 'sealed');
  const sealer = new EncryptingSealer(tempKeyMaterial().keyring, {
    capacity: 10,
    maxAgeMs: 60_000,
    maxMessages: 100,
  });
  table = new SealedTable({ client, tableName, sealer });
});
afterAll(() => client.destroy());

describe('SealedTable against DynamoDB Local', () => {
  it('stores sealed fields with no plaintext in the raw item, and opens them again', async () => {
    await table.put({ pk: 'USER#u1', sk: 'PROFILE', createdAt: '2026-11-29T00:00:00Z' }, person);

    const raw = await rawTableText(client, tableName);
    expect(raw).toContain('USER#u1');
    for (const value of [
      ...Object.values(person),
      '13912345678',
      Buffer.from('欧阳娜娜').toString('latin1'),
    ]) {
      expect(raw).not.toContain(value);
    }

    const stored = await table.get({ pk: 'USER#u1', sk: 'PROFILE' });
    expect(stored?.sealed).toEqual(person);
    expect(stored?.item).toEqual({ pk: 'USER#u1', sk: 'PROFILE', createdAt: '2026-11-29T00:00:00Z' });
  });

  it('fails to open a sealed blob copied onto another item', async () => {
    await table.put({ pk: 'USER#u2', sk: 'PROFILE' }, person);
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'USER#u2' }, sk: { S: 'PROFILE' } } }),
    );
    // An attacker (or a bug) with table write access moves u2's blob onto u3.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...raw.Item, pk: { S: 'USER#u3' } },
      }),
    );
    await expect(table.get({ pk: 'USER#u3', sk: 'PROFILE' })).rejects.toThrow(SealedDataError);
  });

  it('refuses to store a sensitive attribute in plain', async () => {
    await expect(table.put({ pk: 'USER#u4', sk: 'PROFILE', phone: '+8613912345678' })).rejects.toThrow(
      /must be sealed/,
    );
    expect(await table.get({ pk: 'USER#u4', sk: 'PROFILE' })).toBeUndefined();
  });

  it('writes sealed items in a transaction, and its conditions hold', async () => {
    const profile = await table.transactPut({ pk: 'USER#u5', sk: 'PROFILE' }, person, {
      expression: 'attribute_not_exists(pk)',
    });
    const unique = await table.transactPut(
      { pk: 'PHONE#token-u5', sk: 'USER', userId: 'u5' },
      {},
      {
        expression: 'attribute_not_exists(pk)',
      },
    );
    await table.transactWrite([profile, unique]);
    expect((await table.get({ pk: 'USER#u5', sk: 'PROFILE' }))?.sealed).toEqual(person);

    const again = await table.transactPut(
      { pk: 'PHONE#token-u5', sk: 'USER', userId: 'other' },
      {},
      {
        expression: 'attribute_not_exists(pk)',
      },
    );
    await expect(table.transactWrite([again])).rejects.toThrow(TransactionCanceledException);
    expect((await table.get({ pk: 'PHONE#token-u5', sk: 'USER' }))?.item.userId).toBe('u5');
  });

  it('keeps an item without sealed fields free of a sealed attribute', async () => {
    await table.put({ pk: 'RATE#x', sk: 'w1', count: 1 });
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'RATE#x' }, sk: { S: 'w1' } } }),
    );
    expect(raw.Item).not.toHaveProperty('sealed');
    expect((await table.get({ pk: 'RATE#x', sk: 'w1' }))?.sealed).toEqual({});
  });
});
