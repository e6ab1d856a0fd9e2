import {
  DeleteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../../functions/audit/audit-chain';
import { AUDIT_SHARDS, DynamoAuditLog } from '../../../functions/audit/dynamo-audit-log';
import { verifyAuditRange } from '../../../functions/audit/verify-audit';
import type { Random } from '../../../functions/auth/otp';
import { keys } from '../../../functions/store/keys';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo } from '../../helpers/dynamo';

const client: DynamoDBClient = localDynamo();
afterAll(() => client.destroy());

const key = new Uint8Array(32).fill(3);
const day = '2026-11-29';
const at = Date.parse(`${day}T08:00:00Z`);

/** Every entry lands in shard 0, so one partition holds the whole chain; ids still differ. */
function oneShard(): Random {
  let n = 0;
  return {
    int: () => 0,
    bytes: (size: number) => {
      n++;
      return Uint8Array.from({ length: size }, (_, i) => (i === size - 1 ? n : 0));
    },
  } as unknown as Random;
}

let tableName: string;
let log: DynamoAuditLog;
const partition = keys.auditPartition(day, 0);
const verify = async (chainKey = key) =>
  (await verifyAuditRange(log, chainKey, { from: day, to: day })).filter((v) => !v.verdict.ok);

beforeEach(async () => {
  tableName = await freshTable(client, 'audit');
  log = new DynamoAuditLog(new SealedTable({ client, tableName }), oneShard(), key);
});

async function recordSome(count: number) {
  for (let i = 0; i < count; i++) {
    await log.record({ event: 'auth.login', userId: `u${i}`, detail: { method: 'sms' } }, at + i * 1000);
  }
}

describe('audit hash chain', () => {
  it('verifies an untouched range, every shard of every day', async () => {
    await recordSome(4);
    const verdicts = await verifyAuditRange(log, key, { from: '2026-11-28', to: day });
    expect(verdicts).toHaveLength(2 * AUDIT_SHARDS);
    expect(verdicts.every((v) => v.verdict.ok)).toBe(true);
    expect(verdicts.find((v) => v.partition === partition)?.verdict.entries).toBe(4);
  });

  it('keeps one chain under concurrent appends: no seq taken twice, none lost', async () => {
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => log.record({ event: 'card.read', userId: `p${i}` }, at + i)),
    );
    const [verdict] = await verifyAuditRange(log, key, { from: day, to: day });
    expect(verdict?.verdict).toEqual({ ok: true, entries: 6 });
  });

  it('detects an edited entry', async () => {
    await recordSome(3);
    const second = (await entries())[1];
    expect(second).toBeDefined();
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall({ pk: partition, sk: String(second?.sk) }),
        UpdateExpression: 'SET event = :e',
        ExpressionAttributeValues: marshall({ ':e': 'nothing.happened' }),
      }),
    );
    expect(await verify()).toMatchObject([{ partition, verdict: { ok: false, problem: 'edited' } }]);
  });

  it('detects a deleted entry, in the middle or the newest', async () => {
    await recordSome(3);
    const all = await entries();
    await remove(String(all[1]?.sk));
    expect(await verify()).toMatchObject([{ verdict: { problem: 'missing', seq: 2 } }]);

    tableName = await freshTable(client, 'audit');
    log = new DynamoAuditLog(new SealedTable({ client, tableName }), oneShard(), key);
    await recordSome(3);
    const newest = (await entries()).at(-1);
    await remove(String(newest?.sk));
    expect(await verify()).toMatchObject([{ verdict: { problem: 'head_mismatch' } }]);
  });

  it('detects an entry re-chained without the key', async () => {
    await recordSome(2);
    const [first] = await entries();
    // An insider rewrites the first entry and recomputes its hash with a key of their own.
    const forged = { ...first, event: 'nothing.happened' };
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall({ pk: partition, sk: String(first?.sk) }),
        UpdateExpression: 'SET event = :e, #h = :h',
        ExpressionAttributeNames: { '#h': 'hash' },
        ExpressionAttributeValues: marshall({
          ':e': 'nothing.happened',
          ':h': chainHash(new Uint8Array(32).fill(9), forged),
        }),
      }),
    );
    expect(await verify()).toMatchObject([{ verdict: { problem: 'edited', seq: 1 } }]);
    // The real key is what makes the check: with another key nothing verifies.
    expect((await verify(new Uint8Array(32).fill(9))).length).toBe(1);
  });
});

async function entries() {
  const page = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': partition }),
    }),
  );
  return (page.Items ?? [])
    .map((i) => unmarshall(i))
    .filter((i) => i.sk !== 'HEAD')
    .sort((a, b) => a.seq - b.seq);
}

async function remove(sk: string) {
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall({ pk: partition, sk }) }));
}
