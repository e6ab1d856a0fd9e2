import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authStores } from '../../../functions/auth';
import { cardStore } from '../../../functions/cards';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { identityStore } from '../../../functions/identity';
import { readOnly } from '../../../functions/kernel/audit/ports';
import { keys } from '../../../functions/store/keys';
import { StoredRowError } from '../../../functions/store/rows';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo } from '../../helpers/dynamo';
import { tempKeyMaterial } from '../../helpers/keys';

/**
 * An item that is not what its adapter writes (an old shape, a hand edit, a bug) is an error that
 * names the item kind and the attribute, not a wrong value passed on, and the error carries no
 * stored value (they may be personal data).
 */
const client = localDynamo();
let table: SealedTable;

beforeAll(async () => {
  const tableName = await freshTable(client, 'rows');
  const sealer = new EncryptingSealer(tempKeyMaterial().keyring, {
    capacity: 10,
    maxAgeMs: 60_000,
    maxMessages: 100,
  });
  table = new SealedTable({ client, tableName, sealer });
});
afterAll(() => client.destroy());

async function put(
  item: Record<string, unknown> & { pk: string; sk: string },
  sealed: Record<string, string> = {},
) {
  await table.commit(await table.put('row', item, sealed));
}

describe('stored rows are parsed at the adapter', () => {
  it('refuses a card whose status is not one the code knows, naming the kind and attribute only', async () => {
    await put(
      {
        ...keys.card('u1', 'c1'),
        userId: 'u1',
        cardId: 'c1',
        hospitalId: 'pumch',
        relationship: '01',
        idType: '01',
        insuranceType: '07',
        status: 'archived',
        personToken: 'pt',
        minor: false,
        createdAt: 1,
        updatedAt: 1,
        attempts: 0,
      },
      { name: '张三', idNumber: '11010519491231002X', phone: '+8613912345678' },
    );
    const read = cardStore(table).get('u1', 'c1');
    await expect(read).rejects.toBeInstanceOf(StoredRowError);
    const error = (await read.catch((e: unknown) => e)) as StoredRowError;
    expect(error.kind).toBe('card');
    expect(error.attributes).toEqual(['status']);
    expect(error.message).not.toMatch(/archived|张三|11010519491231002X|13912345678/);
  });

  it('refuses a relationship code outside the national table', async () => {
    await put(
      {
        ...keys.card('u1', 'c2'),
        userId: 'u1',
        cardId: 'c2',
        hospitalId: 'pumch',
        relationship: '88',
        idType: '01',
        insuranceType: '07',
        status: 'active',
        personToken: 'pt2',
        minor: false,
        createdAt: 1,
        updatedAt: 1,
        attempts: 0,
      },
      { name: '李四', idNumber: '110105194912310021', phone: '+8613912345679' },
    );
    await expect(cardStore(table).get('u1', 'c2')).rejects.toMatchObject({
      kind: 'card',
      attributes: ['relationship'],
    });
  });

  it('refuses an identity whose verification time is text, and a session missing its hash', async () => {
    await put(
      {
        ...keys.identity('u2'),
        idNumberToken: 't',
        idType: 'resident',
        nameMasked: '*三',
        idNumberMasked: '1***X',
        verifiedAt: '2026-01-01',
        provider: 'tencent',
      },
      { name: '张三', idNumber: '11010519491231002X' },
    );
    await expect(identityStore(table).status('u2')).rejects.toMatchObject({
      kind: 'identity',
      attributes: ['verifiedAt'],
    });
    await put({
      ...keys.session('u2', 'f1'),
      userId: 'u2',
      familyId: 'f1',
      rotatedAt: 1,
      createdAt: 1,
      lastUsedAt: 1,
      absoluteExpiresAt: 2,
    });
    await expect(authStores(table, readOnly).sessions.getSession('u2', 'f1')).rejects.toMatchObject({
      kind: 'session',
      attributes: ['currentHash'],
    });
  });

  it('reads a well-formed row as it was written', async () => {
    await put(
      {
        ...keys.identity('u3'),
        idNumberToken: 't3',
        idType: 'resident',
        nameMasked: '*五',
        idNumberMasked: '1***1',
        verifiedAt: 5,
        provider: 'aliyun',
      },
      { name: '王五', idNumber: '110105194912310021' },
    );
    expect(await identityStore(table).status('u3')).toEqual({
      verified: true,
      nameMasked: '*五',
      idNumberMasked: '1***1',
      verifiedAt: 5,
      assurance: { level: 'two_element', at: 5, method: 'aliyun' },
    });
  });
});
