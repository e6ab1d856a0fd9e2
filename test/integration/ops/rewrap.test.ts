import { KeyringNode, type NodeEncryptionMaterial } from '@aws-crypto/client-node';
import { GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { rewrapTable } from '../../../bin/ops/rewrap';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { type LocalKeyFile, readLocalKeyFile } from '../../../functions/crypto/local-key-file';
import { localKeyring } from '../../../functions/crypto/local-key-source';
import { bothRegionsKeyring } from '../../../functions/crypto/region-keyring';
import { DynamoAuditLog } from '../../../functions/kernel/audit/dynamo-audit-log';
import { cryptoRandom } from '../../../functions/platform/deps';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo } from '../../helpers/dynamo';
import { tempKeyFile } from '../../helpers/keys';

const cache = { capacity: 10, maxAgeMs: 60_000, maxMessages: 1000 };
const onlyRegion = (file: LocalKeyFile, region: string): LocalKeyFile => ({
  ...file,
  wrappingKeys: { [region]: file.wrappingKeys[region] as string },
});

/** Ningxia's KMS while it is unreachable. */
class Down extends KeyringNode {
  async _onEncrypt(_m: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    throw new Error('connect ETIMEDOUT');
  }
  async _onDecrypt(): Promise<never> {
    throw new Error('connect ETIMEDOUT');
  }
}

describe('npm run rewrap', () => {
  it('wraps for the other region what was sealed while it was down, and leaves a changed item to its writer', async () => {
    const client = localDynamo();
    const tableName = await freshTable(client, 'rewrap');
    const file = readLocalKeyFile(tempKeyFile(), {});
    const homeAlone = new EncryptingSealer(
      bothRegionsKeyring(localKeyring(onlyRegion(file, 'cn-north-1'), 'cn-north-1'), [new Down()], () => {}),
      cache,
    );
    const whileDown = new SealedTable({ client, tableName, sealer: homeAlone });
    for (let i = 0; i < 30; i++)
      await whileDown.commit(
        await whileDown.put(
          'profile',
          { pk: `USER#${i}`, sk: 'PROFILE', n: i },
          { phone: `+86138000000${String(i).padStart(2, '0')}` },
        ),
      );
    const standby = new SealedTable({
      client,
      tableName,
      sealer: new EncryptingSealer(localKeyring(onlyRegion(file, 'cn-northwest-1'), 'cn-northwest-1'), cache),
    });
    const raw0 = (
      await client.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'USER#0' }, sk: { S: 'PROFILE' } } }),
      )
    ).Item;
    await expect(standby.fromStorage(raw0 ?? {})).rejects.toThrow();

    // The region is back: the operator's keyring holds both keys. A writer changes one item while
    // the re-wrap runs (between its read and its write).
    const both = new SealedTable({
      client,
      tableName,
      sealer: new EncryptingSealer(localKeyring(file, 'cn-north-1'), cache),
    });
    let raced = false;
    const racing = new Proxy(both, {
      get(target, prop, receiver) {
        if (prop !== 'rewrap') {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (raw: Parameters<SealedTable['rewrap']>[0]) => {
          if (!raced && raw.pk?.S === 'USER#7') {
            raced = true;
            await client.send(
              new UpdateItemCommand({
                TableName: tableName,
                Key: { pk: { S: 'USER#7' }, sk: { S: 'PROFILE' } },
                UpdateExpression: 'SET #s = :b',
                ExpressionAttributeNames: { '#s': 'sealed' },
                ExpressionAttributeValues: {
                  ':b': {
                    B: (await both.toStorage({ pk: 'USER#7', sk: 'PROFILE' }, { phone: '+8613900000007' }))
                      .sealed?.B as Uint8Array,
                  },
                },
              }),
            );
          }
          return target.rewrap(raw);
        };
      },
    });
    const audit = new DynamoAuditLog(both, cryptoRandom, new Uint8Array(32));
    const report = await rewrapTable({ client, tableName }, racing, audit, {
      by: 'local:ops',
      now: () => Date.parse('2026-12-03T10:00:00Z'),
    });
    expect(report).toMatchObject({ scanned: 30, rewrapped: 29, changed: 1, unopened: [] });

    // Every item now opens in Ningxia with its key alone, the raced one with its writer's value.
    const items = (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    let opened = 0;
    for (const raw of items) {
      if (!raw.sealed) continue;
      const { item, sealed } = await standby.fromStorage(raw);
      if (item.pk === 'USER#7') expect(sealed.phone).toBe('+8613900000007');
      opened++;
    }
    expect(opened).toBe(30);
    const entry = items.map((i) => unmarshall(i)).find((i) => i.event === 'keys.rewrapped');
    expect(entry?.detail).toMatchObject({
      by: 'local:ops',
      scanned: 30,
      rewrapped: 29,
      changed: 1,
      unopened: 0,
    });
    expect(JSON.stringify(entry)).not.toContain('+86138');
  });

  it('names an item no key opens, and changes nothing in it', async () => {
    const client = localDynamo();
    const tableName = await freshTable(client, 'rewrap');
    const stranger = new SealedTable({
      client,
      tableName,
      sealer: new EncryptingSealer(localKeyring(readLocalKeyFile(tempKeyFile(), {}), 'cn-north-1'), cache),
    });
    await stranger.commit(
      await stranger.put('profile', { pk: 'USER#x', sk: 'PROFILE' }, { phone: '+8613800009999' }),
    );
    const before = (await client.send(new ScanCommand({ TableName: tableName }))).Items;
    const ours = new SealedTable({
      client,
      tableName,
      sealer: new EncryptingSealer(localKeyring(readLocalKeyFile(tempKeyFile(), {}), 'cn-north-1'), cache),
    });
    const report = await rewrapTable(
      { client, tableName },
      ours,
      new DynamoAuditLog(ours, cryptoRandom, new Uint8Array(32)),
      {
        by: 'local:ops',
        now: Date.now,
      },
    );
    expect(report.unopened).toEqual([{ pk: 'USER#x', sk: 'PROFILE' }]);
    const after = (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    expect(after.find((i) => i.pk?.S === 'USER#x')).toEqual(before?.[0]);
  });
});
