import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, type NativeAttributeValue, unmarshall } from '@aws-sdk/util-dynamodb';
import { isSensitiveKey } from '../core/redact';
import type { SealedFields, Sealer } from '../crypto/sealer';
import { SEALED_ATTRIBUTE } from './table-definition';

/**
 * The table's identity inside sealed blobs. Logical rather than the physical name: a point-in-time
 * restore or a backup copy lands in a table with another name, and its items must still open.
 */
export const SEALING_TABLE_ID = 'patient-onboarding/main';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

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

/**
 * Repository helper for the single table: seals an item's sensitive fields into one binary
 * attribute before it is written, and opens them after it is read. Plain attributes whose names
 * mean sensitive data (phone, name, idNumber, ...) are refused, so plaintext cannot slip in beside
 * the sealed blob by accident.
 */
export class SealedTable {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #sealer: Sealer;

  constructor(deps: { client: DynamoDBClient; tableName: string; sealer: Sealer }) {
    this.#client = deps.client;
    this.#tableName = deps.tableName;
    this.#sealer = deps.sealer;
  }

  get tableName(): string {
    return this.#tableName;
  }

  /** The raw client, for conditional updates of items that hold nothing sealed. */
  get client(): DynamoDBClient {
    return this.#client;
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
      attributes[SEALED_ATTRIBUTE] = await this.#sealer.seal(this.#binding(item), sealed);
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
    const sealed = blob === undefined ? {} : await this.#sealer.open(this.#binding(item), blob);
    return { item, sealed: sealed as F };
  }

  async put(item: PlainAttributes, sealed: SealedFields = {}, condition?: Condition): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#tableName,
        Item: await this.toStorage(item, sealed),
        ...conditionParams(condition),
      }),
    );
  }

  async get<F extends SealedFields = SealedFields>(
    key: ItemKey,
    options: { consistent?: boolean } = {},
  ): Promise<StoredItem<F> | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: marshall({ pk: key.pk, sk: key.sk }),
        ConsistentRead: options.consistent ?? true,
      }),
    );
    return out.Item ? this.fromStorage<F>(out.Item) : undefined;
  }

  /** A `Put` for `TransactWriteItems`, sealed the same way as `put`. */
  async transactPut(
    item: PlainAttributes,
    sealed: SealedFields = {},
    condition?: Condition,
  ): Promise<TransactWriteItem> {
    return {
      Put: {
        TableName: this.#tableName,
        Item: await this.toStorage(item, sealed),
        ...conditionParams(condition),
      },
    };
  }

  /**
   * An `Update` for `TransactWriteItems` that sets plain attributes and replaces the item's sealed
   * blob (`sealed` must hold every sensitive field of the item: the blob is rewritten whole). The
   * blob is bound to the item's key only, so the rest of the item is left as it is.
   */
  async transactUpdate(
    key: ItemKey,
    set: Readonly<Record<string, NativeAttributeValue>>,
    sealed: SealedFields | undefined,
    condition?: Condition,
  ): Promise<TransactWriteItem> {
    for (const name of Object.keys(set)) {
      if (name === SEALED_ATTRIBUTE || isSensitiveKey(name) || name === 'pk' || name === 'sk') {
        throw new Error(`attribute "${name}" cannot be set in plain`);
      }
    }
    const values: Record<string, NativeAttributeValue> = {};
    const names: Record<string, string> = {};
    const assignments = Object.entries(set).map(([name, value], i) => {
      names[`#u${i}`] = name;
      values[`:u${i}`] = value;
      return `#u${i} = :u${i}`;
    });
    if (sealed !== undefined) {
      names['#sealedBlob'] = SEALED_ATTRIBUTE;
      values[':sealedBlob'] = await this.#sealer.seal(this.#binding(key), sealed);
      assignments.push('#sealedBlob = :sealedBlob');
    }
    return {
      Update: {
        TableName: this.#tableName,
        Key: marshall({ pk: key.pk, sk: key.sk }),
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ...(condition ? { ConditionExpression: condition.expression } : {}),
        ExpressionAttributeNames: { ...names, ...condition?.names },
        ExpressionAttributeValues: marshall({ ...values, ...condition?.values }),
      },
    };
  }

  async transactWrite(items: readonly TransactWriteItem[], clientRequestToken?: string): Promise<void> {
    await this.#client.send(
      new TransactWriteItemsCommand({
        TransactItems: [...items],
        ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
      }),
    );
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
