import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealedDataError } from '../../../functions/core/errors';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { conditions, SealedTable } from '../../../functions/store/sealed-table';
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
    await table.commit(
      await table.put('p', { pk: 'USER#u1', sk: 'PROFILE', createdAt: '2026-11-29T00:00:00Z' }, person),
    );

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
    await table.commit(await table.put('p', { pk: 'USER#u2', sk: 'PROFILE' }, person));
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'USER#u2' }, sk: { S: 'PROFILE' } } }),
    );
    // An attacker (or a bug) with table write access moves u2's blob onto u3.
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { ...raw.Item, pk: { S: 'USER#u3' } } }),
    );
    await expect(table.get({ pk: 'USER#u3', sk: 'PROFILE' })).rejects.toThrow(SealedDataError);
  });

  it('refuses to store or set a sensitive attribute in plain', async () => {
    await expect(table.put('p', { pk: 'USER#u4', sk: 'PROFILE', phone: '+8613912345678' })).rejects.toThrow(
      /must be sealed/,
    );
    await expect(
      table.update('p', { pk: 'USER#u4', sk: 'PROFILE' }, { set: { idNumber: 'x' } }),
    ).rejects.toThrow(/cannot be written in plain/);
    expect(await table.get({ pk: 'USER#u4', sk: 'PROFILE' })).toBeUndefined();
  });

  it('commits writes as one transaction and names the ones whose condition refused it', async () => {
    const ok = await table.commit([
      await table.put('profile', { pk: 'USER#u5', sk: 'PROFILE' }, person, conditions.absent),
      await table.put('claim', { pk: 'PHONE#token-u5', sk: 'USER', userId: 'u5' }, {}, conditions.absent),
    ]);
    expect(ok).toEqual({ ok: true });
    const refused = await table.commit([
      await table.put('other', { pk: 'USER#u6', sk: 'PROFILE' }, person, conditions.absent),
      await table.put('claim', { pk: 'PHONE#token-u5', sk: 'USER', userId: 'u6' }, {}, conditions.absent),
    ]);
    expect(refused).toEqual({ ok: false, refused: ['claim'] });
    // All or nothing: the other write did not happen either.
    expect(await table.get({ pk: 'USER#u6', sk: 'PROFILE' })).toBeUndefined();
    expect((await table.get({ pk: 'PHONE#token-u5', sk: 'USER' }))?.item.userId).toBe('u5');
    // A single write refused is an outcome too.
    expect(
      await table.commit(
        await table.put('claim', { pk: 'PHONE#token-u5', sk: 'USER' }, {}, conditions.absent),
      ),
    ).toEqual({ ok: false, refused: ['claim'] });
  });

  it('updates plain attributes and rewrites the sealed blob, leaving the rest of the item', async () => {
    await table.commit(
      await table.put(
        'p',
        { pk: 'USER#u7', sk: 'PROFILE', verifiedAt: 5, phoneToken: 'a' },
        { phone: '+8613900000001' },
      ),
    );
    const moved = await table.commit(
      await table.update(
        'move',
        { pk: 'USER#u7', sk: 'PROFILE' },
        { set: { phoneToken: 'b' }, add: { moves: 1 } },
        {
          sealed: { phone: '+8613900000002' },
          condition: { expression: '#t = :a', names: { '#t': 'phoneToken' }, values: { ':a': 'a' } },
        },
      ),
      { returns: 'all' },
    );
    expect(moved).toEqual({
      ok: true,
      attributes: { pk: 'USER#u7', sk: 'PROFILE', verifiedAt: 5, phoneToken: 'b', moves: 1 },
    });
    expect((await table.get({ pk: 'USER#u7', sk: 'PROFILE' }))?.sealed).toEqual({ phone: '+8613900000002' });
  });

  it('reads several items in one call and pages through a query', async () => {
    for (let i = 0; i < 5; i++) {
      await table.commit(await table.put('c', { pk: 'USER#u8', sk: `CARD#${i}`, n: i }, { name: `名${i}` }));
    }
    const many = await table.getMany([
      { pk: 'USER#u8', sk: 'CARD#3' },
      { pk: 'USER#u8', sk: 'CARD#missing' },
      { pk: 'USER#u8', sk: 'CARD#0' },
    ]);
    expect(many.map((m) => m?.sealed.name)).toEqual(['名3', undefined, '名0']);
    const first = await table.query({ pk: 'USER#u8', skPrefix: 'CARD#', limit: 2 });
    expect(first.items.map((i) => i.item.n)).toEqual([0, 1]);
    expect(first.next).toBeDefined();
    expect(
      (await table.queryAll({ pk: 'USER#u8', skPrefix: 'CARD#' })).map((i) => i.sealed.name),
    ).toHaveLength(5);
  });

  it('keeps an item without sealed fields free of a sealed attribute, and works without a sealer', async () => {
    const plain = new SealedTable({ client, tableName });
    await plain.commit(await plain.put('w', { pk: 'RATE#x', sk: 'w1', count: 1 }));
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'RATE#x' }, sk: { S: 'w1' } } }),
    );
    expect(raw.Item).not.toHaveProperty('sealed');
    expect((await plain.get({ pk: 'RATE#x', sk: 'w1' }))?.sealed).toEqual({});
    await expect(plain.get({ pk: 'USER#u1', sk: 'PROFILE' })).rejects.toThrow(/without a sealer/);
  });
});
