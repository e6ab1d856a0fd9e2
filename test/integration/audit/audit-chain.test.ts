import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAuditChain } from '../../../functions/audit/dynamo-audit-chain';
import { entryRefs } from '../../../functions/audit/entry-refs';
import { linkEntries } from '../../../functions/audit/link-entries';
import { auditEntryInserts } from '../../../functions/audit/stream-filter';
import { verifyAudit } from '../../../functions/audit/verify-audit';
import { ManualClock } from '../../../functions/core/clock';
import { entryMac } from '../../../functions/kernel/audit/audit-entry';
import { DynamoAuditLog } from '../../../functions/kernel/audit/dynamo-audit-log';
import { keys } from '../../../functions/store/keys';
import { SealedTable } from '../../../functions/store/sealed-table';
import { cryptoRandom } from '../../helpers/auth-harness';
import { freshTable, localDynamo } from '../../helpers/dynamo';
import { streamReader } from '../../helpers/stream';

const client: DynamoDBClient = localDynamo();
afterAll(() => client.destroy());

const key = new Uint8Array(32).fill(3);
const day = '2026-11-29';
const start = Date.parse(`${day}T08:00:00Z`);

let tableName: string;
let table: SealedTable;
let log: DynamoAuditLog;
let chain: DynamoAuditChain;
let clock: ManualClock;
let stream: ReturnType<typeof streamReader>;

beforeEach(async () => {
  tableName = await freshTable(client, 'audit');
  table = new SealedTable({ client, tableName });
  log = new DynamoAuditLog(table, cryptoRandom, key);
  chain = new DynamoAuditChain(table);
  clock = new ManualClock(new Date(start + 60_000).toISOString());
  stream = streamReader(client, tableName);
});

/** What the chain worker does with one batch from the stream. */
async function linkFromStream() {
  return linkEntries({ chain, auditKey: key, clock }, entryRefs(await stream.changes(auditEntryInserts)));
}

async function record(count: number, from = start) {
  for (let i = 0; i < count; i++) {
    await log.record({
      event: 'auth.login',
      userId: `u${i}`,
      detail: { method: 'sms' },
      at: from + i * 1000,
    });
  }
}

const verify = (options: { maxUnchainedSeconds?: number; auditKey?: Uint8Array; to?: string } = {}) =>
  verifyAudit(
    { chain, auditKey: options.auditKey ?? key },
    {
      from: day,
      to: options.to ?? day,
      now: clock.now().getTime(),
      maxUnchainedSeconds: options.maxUnchainedSeconds ?? 600,
    },
  );

async function entries() {
  const found = await chain.entries(day);
  return [...found].sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
}

async function blocks() {
  return (await chain.blocks(day)).sort((a, b) => a.keySeq - b.keySeq);
}

async function removeItem(k: { pk: unknown; sk: unknown }) {
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall({ pk: k.pk, sk: k.sk }) }));
}

describe('audit entries and their chain', () => {
  it('chains the entries the stream brings, block after block, and verifies them intact', async () => {
    await record(3);
    expect(await linkFromStream()).toMatchObject({ day: '2026-11-29', seq: 1, refs: expect.any(Array) });
    await record(2, start + 10_000);
    expect(await linkFromStream()).toMatchObject({ seq: 2 });
    expect(await linkFromStream()).toBeUndefined();
    expect(await verify()).toMatchObject({ entries: 5, blocks: 2, pending: 0, problems: [] });
  });

  it('keeps one chain when batches race for the head, and a retried batch only names entries twice', async () => {
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => log.record({ event: 'card.read', userId: `p${i}`, at: start + i })),
    );
    const refs = entryRefs(await stream.changes(auditEntryInserts));
    const deps = { chain, auditKey: key, clock };
    const made = await Promise.all([
      linkEntries(deps, refs.slice(0, 2)),
      linkEntries(deps, refs.slice(2, 4)),
      linkEntries(deps, refs.slice(4)),
      linkEntries(deps, refs.slice(0, 2)),
    ]);
    expect(made.map((b) => b?.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(await verify()).toMatchObject({ entries: 6, blocks: 4, problems: [] });
  });

  it('detects an edited entry, whether its own MAC or its block gives it away', async () => {
    await record(3);
    await linkFromStream();
    const [, second] = await entries();
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall({ pk: second?.pk, sk: second?.sk }),
        UpdateExpression: 'SET event = :e',
        ExpressionAttributeValues: marshall({ ':e': 'nothing.happened' }),
      }),
    );
    expect((await verify()).problems).toEqual([{ kind: 'entry_edited', pk: second?.pk, sk: second?.sk }]);
  });

  it('detects an entry forged or re-MACed with another key: only the audit key makes a MAC', async () => {
    await record(2);
    await linkFromStream();
    const [first] = await entries();
    const forged = { ...first, event: 'nothing.happened' } as Record<string, unknown>;
    forged.mac = entryMac(new Uint8Array(32).fill(9), forged);
    await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(forged) }));
    expect((await verify()).problems).toEqual([{ kind: 'entry_edited', pk: first?.pk, sk: first?.sk }]);
    // With another key nothing verifies: the key is what makes the check.
    expect((await verify({ auditKey: new Uint8Array(32).fill(9) })).problems.length).toBeGreaterThan(1);
  });

  it('detects a deleted entry, in the middle or the newest, once chained', async () => {
    await record(4);
    await linkFromStream();
    const all = await entries();
    await removeItem(all[1] as { pk: string; sk: string });
    await removeItem(all[3] as { pk: string; sk: string });
    const { problems } = await verify();
    expect(problems).toEqual(
      expect.arrayContaining([
        { kind: 'entry_missing', pk: all[1]?.pk, sk: all[1]?.sk },
        { kind: 'entry_missing', pk: all[3]?.pk, sk: all[3]?.sk },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('detects a re-keyed entry: moved to another time, it is missing where it was and edited where it is', async () => {
    await record(2);
    await linkFromStream();
    const [first] = await entries();
    const moved = { ...first, sk: `2026-11-29T07:00:00.000Z#${String(first?.sk).split('#')[1]}` };
    await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(moved) }));
    await removeItem(first as { pk: string; sk: string });
    const kinds = (await verify()).problems.map((p) => p.kind).sort();
    expect(kinds).toEqual(['entry_edited', 'entry_missing']);
  });

  it('detects reordered, edited, deleted-middle and deleted-newest blocks', async () => {
    for (let b = 0; b < 4; b++) {
      await record(2, start + b * 10_000);
      await linkFromStream();
    }
    expect((await verify()).problems).toEqual([]);
    const stored = await blocks();
    const raw = async (seq: number) => {
      const k = keys.auditChainBlock(day, seq);
      const out = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(k) }));
      return unmarshall(out.Item ?? {});
    };
    // Swap the contents of blocks 2 and 3, each keeping the other's key.
    const [two, three] = [await raw(2), await raw(3)];
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: marshall({ ...three, pk: two.pk, sk: two.sk }) }),
    );
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: marshall({ ...two, pk: three.pk, sk: three.sk }) }),
    );
    expect((await verify()).problems.map((p) => p.kind)).toContain('block_edited');
    // Put them back, then reorder honestly renumbered blocks: the links break.
    await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(two) }));
    await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(three) }));
    expect((await verify()).problems).toEqual([]);

    await removeItem(keys.auditChainBlock(day, 2));
    expect((await verify()).problems).toEqual(
      expect.arrayContaining([{ kind: 'block_missing', day, seq: 2 }]),
    );
    await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(two) }));

    await removeItem(keys.auditChainBlock(day, stored.length));
    expect((await verify()).problems).toEqual(
      expect.arrayContaining([{ kind: 'head_mismatch', day, seq: stored.length }]),
    );
  });

  it('reports entries the chain has not reached: pending while young, a problem once older than allowed', async () => {
    await record(2);
    await linkFromStream();
    await record(1, start + 30_000);
    clock.set(new Date(start + 90_000));
    expect(await verify({ maxUnchainedSeconds: 300 })).toMatchObject({ pending: 1, problems: [] });
    clock.set(new Date(start + 30_000 + 301_000));
    const { problems } = await verify({ maxUnchainedSeconds: 300 });
    expect(problems).toMatchObject([{ kind: 'unchained', ageSeconds: 301 }]);
  });

  it('links a new day to the previous one, and closes the previous day when it does', async () => {
    await record(2, Date.parse('2026-11-29T23:59:50Z'));
    clock.set(new Date('2026-11-29T23:59:58Z'));
    await linkFromStream();
    await record(1, Date.parse('2026-11-30T00:00:02Z'));
    clock.set(new Date('2026-11-30T00:00:03Z'));
    const first = await linkFromStream();
    if (!first) throw new Error('no block');
    const yesterday = await chain.head('2026-11-29');
    expect(first).toMatchObject({ day: '2026-11-30', seq: 1, prev: yesterday?.hash });
    // A writer whose clock still says yesterday cannot add to the closed day.
    expect(
      await chain.append({ ...first, day: '2026-11-29', seq: 2, prev: yesterday?.hash ?? '' }, yesterday),
    ).toBe(false);
    clock.set(new Date('2026-11-30T00:10:00Z'));
    const report = await verifyAudit(
      { chain, auditKey: key },
      { from: '2026-11-29', to: '2026-11-30', now: clock.now().getTime(), maxUnchainedSeconds: 60 },
    );
    expect(report).toMatchObject({ entries: 3, blocks: 2, problems: [] });
  });
});
