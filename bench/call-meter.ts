import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../functions/store/table-definition';

/** One call to DynamoDB as the meter saw it. */
export interface MeteredCall {
  readonly command: string;
  /** performance.now() at send and at answer. */
  readonly start: number;
  readonly end: number;
  /** Capacity as DynamoDB (Local) reported it. */
  readonly reported: number;
  /** Capacity as DynamoDB bills it (see `billedUnits`). */
  readonly billed: number;
  /** Partition keys written: the table's, and `<index>:<key>` for each index entry written. */
  readonly writes: readonly string[];
}

export interface CallMeter {
  calls: number;
  /** Capacity units as DynamoDB Local reports them. */
  capacityUnits: number;
  /**
   * Capacity units as DynamoDB bills them: DynamoDB Local reports a transaction as 4 units per
   * KB of its largest item whatever the number of items (measured: 1 and 6 small puts both
   * report 4), so transactions are priced here by the published rule (2 WCU per KB per item,
   * rounded up per item; index entries 1 WCU per KB) from the sizes of the items written.
   */
  billedUnits: number;
  readonly byCommand: Map<string, { calls: number; capacityUnits: number; billedUnits: number }>;
  /** Writes per partition key since the last reset (hot-key hunting). */
  readonly writesByKey: Map<string, number>;
  readonly log: MeteredCall[];
  reset(): void;
  /**
   * Round trips one after another: the longest chain of calls none of which overlap, over the
   * calls logged since the last reset, or those from `from` (a log index) on.
   */
  sequentialCalls(from?: number, to?: number): number;
}

const COMMANDS_WITH_CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

/**
 * Counts a client's DynamoDB calls, the capacity they consumed (asking DynamoDB to report it),
 * the partition keys they wrote and how they overlapped in time: what each request costs, for the
 * bench and the load test. `inspector`, an unmetered client on the same endpoint, reads the
 * items a transaction wrote so it can be priced as DynamoDB prices it.
 */
export function meterDynamo(client: DynamoDBClient, options: { inspector?: DynamoDBClient } = {}): CallMeter {
  const meter: CallMeter = {
    calls: 0,
    capacityUnits: 0,
    billedUnits: 0,
    byCommand: new Map(),
    writesByKey: new Map(),
    log: [],
    reset() {
      meter.calls = 0;
      meter.capacityUnits = 0;
      meter.billedUnits = 0;
      meter.byCommand.clear();
      meter.writesByKey.clear();
      meter.log.length = 0;
    },
    sequentialCalls(from = 0, to = meter.log.length) {
      // Longest chain in the interval order: each call follows one that ended before it began.
      const calls = meter.log.slice(from, to).sort((a, b) => a.start - b.start);
      const depth: number[] = [];
      let longest = 0;
      calls.forEach((call, i) => {
        let before = 0;
        for (let j = 0; j < i; j++) {
          if ((calls[j] as MeteredCall).end <= call.start) before = Math.max(before, depth[j] as number);
        }
        depth[i] = before + 1;
        longest = Math.max(longest, depth[i] as number);
      });
      return longest;
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown> & { ReturnConsumedCapacity?: string };
      if (COMMANDS_WITH_CAPACITY.has(command)) input.ReturnConsumedCapacity ??= 'INDEXES';
      const start = performance.now();
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        // A refused condition: DynamoDB reports no capacity with the error (it bills the attempt).
        record(command, start, 0, 0, []);
        throw error;
      }
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const reported = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      const priced =
        command === 'TransactWriteItemsCommand' && options.inspector
          ? await priceTransaction(options.inspector, input.TransactItems as TransactWriteItem[])
          : { billed: reported, writes: writesOf(command, input) };
      record(command, start, reported, priced.billed, priced.writes);
      return result;
    },
    { step: 'initialize', name: 'callMeter' },
  );

  function record(command: string, start: number, reported: number, billed: number, writes: string[]) {
    const entry = meter.byCommand.get(command) ?? { calls: 0, capacityUnits: 0, billedUnits: 0 };
    meter.byCommand.set(command, entry);
    meter.calls++;
    entry.calls++;
    meter.capacityUnits += reported;
    entry.capacityUnits += reported;
    meter.billedUnits += billed;
    entry.billedUnits += billed;
    for (const key of writes) meter.writesByKey.set(key, (meter.writesByKey.get(key) ?? 0) + 1);
    meter.log.push({ command, start, end: performance.now(), reported, billed, writes });
  }
  return meter;
}

type Consumed = { CapacityUnits?: number };
type Item = Record<string, AttributeValue>;

const keyOf = (item: Item | undefined) => (item?.pk?.S ? String(item.pk.S) : undefined);

/** The partition keys a single write or a batch writes (index entries need the item: not counted). */
function writesOf(command: string, input: Record<string, unknown>): string[] {
  if (command === 'PutItemCommand') return [keyOf(input.Item as Item)].filter(Boolean) as string[];
  if (command === 'UpdateItemCommand' || command === 'DeleteItemCommand')
    return [keyOf(input.Key as Item)].filter(Boolean) as string[];
  if (command === 'BatchWriteItemCommand') {
    const requests = Object.values(
      input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>,
    ).flat();
    return requests.map((r) => keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key)).filter(Boolean) as string[];
  }
  return [];
}

/**
 * A transaction priced as DynamoDB bills it: each item 2 WCU per KB (rounded up per item) of the
 * larger of its size before and after; a condition check the same; each index entry written or
 * removed 1 WCU per KB of what it projects. Sizes come from reading the items after the commit
 * (and, for deletes, the item as the request described it: its key).
 */
async function priceTransaction(inspector: DynamoDBClient, items: TransactWriteItem[]) {
  let billed = 0;
  const writes: string[] = [];
  await Promise.all(
    items.map(async (op) => {
      const { Put, Update, Delete, ConditionCheck } = op;
      const key = (Put ? pick(Put.Item as Item) : (Update ?? Delete ?? ConditionCheck)?.Key) as Item;
      const table = (Put ?? Update ?? Delete ?? ConditionCheck)?.TableName as string;
      const after = Put ? (Put.Item as Item) : Delete ? undefined : await read(inspector, table, key);
      const size = Math.max(itemSize(after ?? key), 1);
      billed += 2 * Math.ceil(size / 1024);
      if (ConditionCheck) return;
      const pk = keyOf(key);
      if (pk) writes.push(pk);
      for (const index of tableDefinition.globalSecondaryIndexes) {
        const value = after?.[index.partitionKey.name]?.S;
        if (value === undefined) continue;
        const projected = index.projection === 'ALL' ? size : 100;
        billed += Math.ceil(projected / 1024);
        writes.push(`${index.indexName}:${value}`);
      }
    }),
  );
  return { billed, writes };
}

function pick(item: Item): Item {
  return { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
}

async function read(inspector: DynamoDBClient, table: string, key: Item): Promise<Item | undefined> {
  const out = await inspector.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return out.Item;
}

/** DynamoDB's item size: attribute names and values in bytes, by its published rules. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((s, v) => s + Buffer.byteLength(v), 0);
  if (value.NS) return value.NS.reduce((s, v) => s + Math.ceil(v.length / 2) + 1, 0);
  if (value.BS) return value.BS.reduce((s, v) => s + v.byteLength, 0);
  if (value.L) return 3 + value.L.reduce((s, v) => s + 1 + valueSize(v), 0);
  if (value.M) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  return 0;
}
