import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, type NativeAttributeValue, unmarshall } from '@aws-sdk/util-dynamodb';
import { isSensitiveKey } from '../core/redact';
import type { SealedFields, Sealer } from '../crypto/sealer';
import type { ItemKey } from './item-key';
import { keys } from './keys';
import { SEALED_ATTRIBUTE } from './table-definition';

export type { ItemKey } from './item-key';

/**
 * The table's identity inside sealed blobs. Logical rather than the physical name: a point-in-time
 * restore or a backup copy lands in a table with another name, and its items must still open.
 */
export const SEALING_TABLE_ID = 'patient-onboarding/main';

/** Plain (non-sensitive) attributes of an item: ids, blind-index tokens, codes, times. */
export type PlainAttributes = ItemKey & Readonly<Record<string, NativeAttributeValue>>;

export interface StoredItem<F extends SealedFields = SealedFields> {
  readonly item: PlainAttributes;
  /** The opened sensitive fields; empty when the item has none. */
  readonly sealed: F;
}

export interface Condition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, NativeAttributeValue>;
}

/** The usual conditions, so adapters do not spell them again. */
export const conditions = {
  absent: { expression: 'attribute_not_exists(pk)' } as Condition,
  present: { expression: 'attribute_exists(pk)' } as Condition,
  /** The item names this account (a claim), or is absent. */
  absentOrOwnedBy: (userId: string): Condition => ({
    expression: 'attribute_not_exists(pk) OR #owner = :owner',
    names: { '#owner': 'userId' },
    values: { ':owner': userId },
  }),
  ownedBy: (userId: string): Condition => ({
    expression: '#owner = :owner',
    names: { '#owner': 'userId' },
    values: { ':owner': userId },
  }),
};

/**
 * One write, alone or in a transaction, with a name: a refused condition is reported by the
 * names of the writes it refused, so adapters never decode cancellation reasons by position.
 */
export interface Write {
  readonly name: string;
  readonly op: TransactWriteItem;
}

export type CommitOutcome =
  | { readonly ok: true; readonly attributes?: Record<string, NativeAttributeValue> }
  | { readonly ok: false; readonly refused: readonly string[] };

export interface UpdateSpec {
  /** `SET name = value` for each entry. */
  readonly set?: Readonly<Record<string, NativeAttributeValue>>;
  /** `ADD name value`: numbers added atomically (counters). */
  readonly add?: Readonly<Record<string, number>>;
  /** `ADD name {value}`: a string joins a string set (created if absent). */
  readonly addToSet?: Readonly<Record<string, string>>;
  /** `DELETE name {value}`: a string leaves a string set. */
  readonly deleteFromSet?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export interface QuerySpec {
  readonly pk: string;
  readonly skPrefix?: string;
  /** Sort keys up to and including this one. */
  readonly skAtMost?: string;
  /** Sort keys strictly after this one. */
  readonly skAbove?: string;
  /** A sparse index by name; `pk` is then that index's partition-key value. */
  readonly index?: { readonly name: string; readonly pk: string; readonly sk?: string };
  readonly consistent?: boolean;
  readonly newestFirst?: boolean;
  readonly limit?: number;
  /** Continue after this item (its primary key; with an index, its index key too). */
  readonly after?: Readonly<Record<string, NativeAttributeValue>>;
  /** Only items whose numeric attribute is above the value (e.g. not yet expired). */
  readonly above?: { readonly attribute: string; readonly value: number };
  /** Keys only: no item is opened (the eraser). */
  readonly keysOnly?: boolean;
}

export interface QueryPage<F extends SealedFields> {
  readonly items: StoredItem<F>[];
  /** Where the next page starts, when there may be one. */
  readonly next?: Record<string, NativeAttributeValue>;
}

/** Conflicting transactions (another request on the same item) are tried again this often. */
const CONFLICT_ATTEMPTS = 6;
const BATCH_WRITE = 25;
const BATCH_GET = 100;

/**
 * The one way to the single table: seals an item's sensitive fields into one binary attribute
 * before it is written and opens them after it is read, builds named writes and commits them
 * alone or as one transaction. Plain attributes whose names mean sensitive data (phone, name,
 * idNumber, ...) are refused, so plaintext cannot slip in beside the sealed blob by accident. The
 * client stays inside: adapters say what to read and write, never how DynamoDB is called.
 */
export class SealedTable {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #sealer: Sealer | undefined;

  /** Without a sealer the table serves items that hold nothing sealed (the authorizer, health). */
  constructor(deps: { client: DynamoDBClient; tableName: string; sealer?: Sealer }) {
    this.#client = deps.client;
    this.#tableName = deps.tableName;
    this.#sealer = deps.sealer;
  }

  get tableName(): string {
    return this.#tableName;
  }

  #requireSealer(): Sealer {
    if (!this.#sealer)
      throw new Error('this table was built without a sealer; sealed items are out of reach');
    return this.#sealer;
  }

  /** Builds the marshalled item, sealing `sealed` when it holds anything. */
  async toStorage(item: PlainAttributes, sealed: SealedFields = {}): Promise<Record<string, AttributeValue>> {
    for (const name of Object.keys(item)) {
      if (name === SEALED_ATTRIBUTE || isSensitiveKey(name)) {
        throw new Error(`attribute "${name}" must be sealed, not stored in plain`);
      }
    }
    const attributes: Record<string, NativeAttributeValue> = { ...item };
    if (Object.keys(sealed).length > 0) {
      attributes[SEALED_ATTRIBUTE] = await this.#requireSealer().seal(this.#binding(item), sealed);
    }
    return marshall(attributes, { removeUndefinedValues: true });
  }

  /** Opens a raw item read from the table; fails if its blob was sealed for another item. */
  async fromStorage<F extends SealedFields = SealedFields>(
    raw: Record<string, AttributeValue>,
  ): Promise<StoredItem<F>> {
    const { [SEALED_ATTRIBUTE]: blob, ...plain } = unmarshall(raw) as PlainAttributes & {
      sealed?: Uint8Array;
    };
    const item = plain as PlainAttributes;
    const sealed = blob === undefined ? {} : await this.#requireSealer().open(this.#binding(item), blob);
    return { item, sealed: sealed as F };
  }

  // Reads

  /** One item; `open: false` leaves its sealed fields closed (no key is used, `sealed` is empty). */
  async get<F extends SealedFields = SealedFields>(
    key: ItemKey,
    options: { consistent?: boolean; open?: boolean } = {},
  ): Promise<StoredItem<F> | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: marshall({ pk: key.pk, sk: key.sk }),
        ConsistentRead: options.consistent ?? true,
      }),
    );
    if (!out.Item) return undefined;
    if (options.open === false) {
      const { [SEALED_ATTRIBUTE]: _sealed, ...plain } = unmarshall(out.Item);
      return { item: plain as PlainAttributes, sealed: {} as F };
    }
    return this.fromStorage<F>(out.Item);
  }

  /** Several items in one round trip (BatchGetItem), in the order asked; absent ones undefined. */
  async getMany<F extends SealedFields = SealedFields>(
    itemKeys: readonly ItemKey[],
    options: { consistent?: boolean } = {},
  ): Promise<Array<StoredItem<F> | undefined>> {
    const found = new Map<string, Record<string, AttributeValue>>();
    const id = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
    const unique = [...new Map(itemKeys.map((k) => [id(k), k])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET) {
      let pending: Record<string, AttributeValue>[] = unique
        .slice(i, i + BATCH_GET)
        .map((k) => marshall({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.#tableName]: { Keys: pending, ConsistentRead: options.consistent ?? true },
            },
          }),
        );
        for (const raw of out.Responses?.[this.#tableName] ?? [])
          found.set(id(unmarshall(raw) as ItemKey), raw);
        pending = out.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
      }
    }
    return Promise.all(
      itemKeys.map(async (k) => {
        const raw = found.get(id(k));
        return raw ? this.fromStorage<F>(raw) : undefined;
      }),
    );
  }

  /** One page of a query. */
  async query<F extends SealedFields = SealedFields>(spec: QuerySpec): Promise<QueryPage<F>> {
    const out = await this.#client.send(new QueryCommand(this.#queryInput(spec)));
    const items = spec.keysOnly
      ? (out.Items ?? []).map((raw) => ({ item: unmarshall(raw) as PlainAttributes, sealed: {} as F }))
      : await Promise.all((out.Items ?? []).map((raw) => this.fromStorage<F>(raw)));
    return { items, ...(out.LastEvaluatedKey ? { next: unmarshall(out.LastEvaluatedKey) } : {}) };
  }

  /** Every item a query matches, across pages. */
  async queryAll<F extends SealedFields = SealedFields>(
    spec: Omit<QuerySpec, 'limit'>,
  ): Promise<StoredItem<F>[]> {
    const items: StoredItem<F>[] = [];
    let after = spec.after;
    do {
      const page: QueryPage<F> = await this.query<F>({ ...spec, ...(after ? { after } : {}) });
      items.push(...page.items);
      after = page.next;
    } while (after);
    return items;
  }

  #queryInput(spec: QuerySpec): QueryCommandInput {
    const names: Record<string, string> = {};
    const values: Record<string, NativeAttributeValue> = {};
    const pkName = spec.index?.pk ?? 'pk';
    const skName = spec.index ? spec.index.sk : 'sk';
    names['#p'] = pkName;
    values[':p'] = spec.pk;
    let keyCondition = '#p = :p';
    if (spec.skPrefix !== undefined && skName) {
      names['#s'] = skName;
      values[':s'] = spec.skPrefix;
      keyCondition += ' AND begins_with(#s, :s)';
    } else if (spec.skAtMost !== undefined && skName) {
      names['#s'] = skName;
      values[':s'] = spec.skAtMost;
      keyCondition += ' AND #s <= :s';
    } else if (spec.skAbove !== undefined && skName) {
      names['#s'] = skName;
      values[':s'] = spec.skAbove;
      keyCondition += ' AND #s > :s';
    }
    if (spec.above) {
      names['#f'] = spec.above.attribute;
      values[':f'] = spec.above.value;
    }
    return {
      TableName: this.#tableName,
      ...(spec.index ? { IndexName: spec.index.name } : {}),
      KeyConditionExpression: keyCondition,
      ...(spec.above ? { FilterExpression: '#f > :f' } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
      ...(spec.index ? {} : { ConsistentRead: spec.consistent ?? true }),
      ...(spec.newestFirst ? { ScanIndexForward: false } : {}),
      ...(spec.limit ? { Limit: spec.limit } : {}),
      ...(spec.after ? { ExclusiveStartKey: marshall(spec.after) } : {}),
      ...(spec.keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
    };
  }

  // Writes

  /** A put, sealed; `condition` as DynamoDB takes it. */
  async put(
    name: string,
    item: PlainAttributes,
    sealed: SealedFields = {},
    condition?: Condition,
  ): Promise<Write> {
    return {
      name,
      op: {
        Put: {
          TableName: this.#tableName,
          Item: await this.toStorage(item, sealed),
          ...conditionParams(condition),
        },
      },
    };
  }

  /**
   * An update. With `sealed`, the item's sealed blob is rewritten whole (it must hold every
   * sensitive field of the item); the blob is bound to the key only, so the rest stays as it is.
   */
  async update(
    name: string,
    key: ItemKey,
    spec: UpdateSpec,
    options: { sealed?: SealedFields; condition?: Condition } = {},
  ): Promise<Write> {
    const names: Record<string, string> = {};
    const values: Record<string, NativeAttributeValue> = {};
    const placeholder = (attribute: string, i: string) => {
      if (
        attribute === SEALED_ATTRIBUTE ||
        isSensitiveKey(attribute) ||
        attribute === 'pk' ||
        attribute === 'sk'
      ) {
        throw new Error(`attribute "${attribute}" cannot be written in plain`);
      }
      names[`#${i}`] = attribute;
      return `#${i}`;
    };
    const set = Object.entries(spec.set ?? {}).map(([attribute, value], i) => {
      values[`:s${i}`] = value;
      return `${placeholder(attribute, `s${i}`)} = :s${i}`;
    });
    if (options.sealed !== undefined) {
      names['#sealedBlob'] = SEALED_ATTRIBUTE;
      values[':sealedBlob'] = await this.#requireSealer().seal(this.#binding(key), options.sealed);
      set.push('#sealedBlob = :sealedBlob');
    }
    const add = Object.entries(spec.add ?? {}).map(([attribute, value], i) => {
      values[`:a${i}`] = value;
      return `${placeholder(attribute, `a${i}`)} :a${i}`;
    });
    for (const [i, [attribute, value]] of Object.entries(spec.addToSet ?? {}).entries()) {
      values[`:as${i}`] = new Set([value]);
      add.push(`${placeholder(attribute, `as${i}`)} :as${i}`);
    }
    const del = Object.entries(spec.deleteFromSet ?? {}).map(([attribute, value], i) => {
      values[`:d${i}`] = new Set([value]);
      return `${placeholder(attribute, `d${i}`)} :d${i}`;
    });
    const remove = (spec.remove ?? []).map((attribute, i) => placeholder(attribute, `r${i}`));
    const expression = [
      set.length > 0 ? `SET ${set.join(', ')}` : '',
      add.length > 0 ? `ADD ${add.join(', ')}` : '',
      del.length > 0 ? `DELETE ${del.join(', ')}` : '',
      remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const allNames = { ...names, ...options.condition?.names };
    const allValues = { ...values, ...options.condition?.values };
    return {
      name,
      op: {
        Update: {
          TableName: this.#tableName,
          Key: marshall({ pk: key.pk, sk: key.sk }),
          UpdateExpression: expression,
          ...(options.condition ? { ConditionExpression: options.condition.expression } : {}),
          ...(Object.keys(allNames).length > 0 ? { ExpressionAttributeNames: allNames } : {}),
          ...(Object.keys(allValues).length > 0 ? { ExpressionAttributeValues: marshall(allValues) } : {}),
        },
      },
    };
  }

  delete(name: string, key: ItemKey, condition?: Condition): Write {
    return {
      name,
      op: {
        Delete: {
          TableName: this.#tableName,
          Key: marshall({ pk: key.pk, sk: key.sk }),
          ...conditionParams(condition),
        },
      },
    };
  }

  /** A condition on an item the transaction does not write. */
  check(name: string, key: ItemKey, condition: Condition): Write {
    return {
      name,
      op: {
        ConditionCheck: {
          TableName: this.#tableName,
          Key: marshall({ pk: key.pk, sk: key.sk }),
          ...(conditionParams(condition) as { ConditionExpression: string }),
        },
      },
    };
  }

  /**
   * Carries writes out: one alone as its own call, several as one transaction (all or none).
   * A refused condition is an outcome, not an error: the names of the refused writes. Conflicts
   * with concurrent transactions are tried again with jittered backoff.
   * A single update answers with the attributes it changed (`returns: 'updated'`) or the whole
   * item after it (`'all'`), a single put or update with the item before it (`'old'`); plain
   * attributes only, never the sealed blob.
   */
  async commit(
    writes: Write | readonly Write[],
    options: { returns?: 'updated' | 'all' | 'old' } = {},
  ): Promise<CommitOutcome> {
    const list = Array.isArray(writes) ? (writes as readonly Write[]) : [writes as Write];
    if (list.length === 0) return { ok: true };
    if (list.length === 1) return this.#single(list[0] as Write, options.returns);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#client.send(new TransactWriteItemsCommand({ TransactItems: list.map((w) => w.op) }));
        return { ok: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const refused = list
          .filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed')
          .map((w) => w.name);
        if (refused.length > 0) return { ok: false, refused };
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  async #single(write: Write, returns: 'updated' | 'all' | 'old' | undefined): Promise<CommitOutcome> {
    const { Put, Update, Delete, ConditionCheck } = write.op;
    const plain = (attributes: Record<string, AttributeValue> | undefined): CommitOutcome => {
      if (!attributes) return { ok: true };
      const { [SEALED_ATTRIBUTE]: _sealed, ...rest } = unmarshall(attributes);
      return { ok: true, attributes: rest };
    };
    try {
      if (Put) {
        const out = await this.#client.send(
          new PutItemCommand({ ...Put, ...(returns === 'old' ? { ReturnValues: 'ALL_OLD' } : {}) }),
        );
        return plain(out.Attributes);
      }
      if (Delete) await this.#client.send(new DeleteItemCommand(Delete));
      else if (Update) {
        const values = { all: 'ALL_NEW', updated: 'UPDATED_NEW', old: 'ALL_OLD' } as const;
        const out = await this.#client.send(
          new UpdateItemCommand({ ...Update, ...(returns ? { ReturnValues: values[returns] } : {}) }),
        );
        return plain(out.Attributes);
      } else if (ConditionCheck) {
        // Alone, a check is a transaction of one.
        await this.#client.send(new TransactWriteItemsCommand({ TransactItems: [write.op] }));
      }
      return { ok: true };
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')
      ) {
        return { ok: false, refused: [write.name] };
      }
      throw error;
    }
  }

  /**
   * Is the table reachable? An eventually consistent read of a key that never exists: the
   * cheapest call that proves credentials, network and table (0.5 RCU).
   */
  async reachable(timeoutMs = 2000): Promise<boolean> {
    try {
      await this.#client.send(new GetItemCommand({ TableName: this.#tableName, Key: marshall(keys.probe) }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Seals a raw item's fields again under a fresh data key, wrapped by every key the keyring holds
   * now (after the other region's KMS was unreachable, or after a fail-over), if its blob is still
   * the one read: an item changed meanwhile was sealed anew by its writer and is left alone.
   */
  async rewrap(raw: Record<string, AttributeValue>): Promise<'rewrapped' | 'changed' | 'plain'> {
    const blob = raw[SEALED_ATTRIBUTE];
    if (!blob) return 'plain';
    const { item, sealed } = await this.fromStorage(raw);
    const next = await this.#requireSealer().seal(this.#binding(item), sealed);
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: marshall({ pk: item.pk, sk: item.sk }),
          UpdateExpression: 'SET #sealed = :next',
          ConditionExpression: '#sealed = :old',
          ExpressionAttributeNames: { '#sealed': SEALED_ATTRIBUTE },
          ExpressionAttributeValues: { ':next': { B: next }, ':old': blob },
        }),
      );
      return 'rewrapped';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'changed';
      throw error;
    }
  }

  /** Deletes items by key, 25 a call (BatchWriteItem), again for what throttling handed back. */
  async deleteMany(itemKeys: readonly ItemKey[]): Promise<void> {
    for (let i = 0; i < itemKeys.length; i += BATCH_WRITE) {
      let pending: WriteRequest[] = itemKeys
        .slice(i, i + BATCH_WRITE)
        .map((key) => ({ DeleteRequest: { Key: marshall({ pk: key.pk, sk: key.sk }) } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const out = await this.#client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.#tableName] ?? [];
      }
    }
  }

  #binding(key: ItemKey) {
    return { table: SEALING_TABLE_ID, pk: key.pk, sk: key.sk };
  }
}

function conditionParams(condition: Condition | undefined) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: marshall(condition.values) } : {}),
  };
}

/** Jittered exponential backoff: 20 ms, 40 ms, ... capped at about 1 s. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(1000, 20 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
