import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { SEALED_ATTRIBUTE } from './table-definition';

/**
 * A change from the table's stream as features read it: what happened, the key, and the plain
 * attributes before and after (the sealed blob left out: a stream consumer that needs sealed
 * fields reads the item through the sealed table).
 */
export interface TableChange {
  /** The stream record's id: unique per change, so work derived from it can be deduplicated. */
  readonly id: string;
  readonly kind: 'insert' | 'modify' | 'remove';
  readonly pk: string;
  readonly sk: string;
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
  /** Epoch ms of the change, as the stream tells it (to the second). */
  readonly at: number;
}

/**
 * A pattern of a Lambda event filter (the subset we use: literal values and `prefix`), over the
 * stream record as Lambda sees it. CDK installs the same patterns on the event source mappings
 * and the local runtime applies them with `matchesFilter`, so the two agree.
 */
export type FilterPattern = {
  readonly [field: string]: FilterPattern | ReadonlyArray<string | { prefix: string }>;
};

export function matchesFilter(pattern: FilterPattern, value: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[field];
    if (Array.isArray(expected)) {
      return expected.some((e) =>
        typeof e === 'string' ? actual === e : typeof actual === 'string' && actual.startsWith(e.prefix),
      );
    }
    return matchesFilter(expected as FilterPattern, actual);
  });
}

const plain = (image: Record<string, unknown> | undefined) => {
  if (!image) return undefined;
  const { [SEALED_ATTRIBUTE]: _sealed, ...rest } = unmarshall(image as Record<string, AttributeValue>);
  return rest;
};

export function tableChange(record: DynamoDBRecord): TableChange | undefined {
  const keys = record.dynamodb?.Keys
    ? unmarshall(record.dynamodb.Keys as Record<string, AttributeValue>)
    : {};
  if (typeof keys.pk !== 'string' || typeof keys.sk !== 'string') return undefined;
  const before = plain(record.dynamodb?.OldImage as Record<string, unknown> | undefined);
  const after = plain(record.dynamodb?.NewImage as Record<string, unknown> | undefined);
  return {
    id: record.eventID ?? `${keys.pk}|${keys.sk}|${record.dynamodb?.SequenceNumber ?? ''}`,
    kind: record.eventName === 'INSERT' ? 'insert' : record.eventName === 'REMOVE' ? 'remove' : 'modify',
    pk: keys.pk,
    sk: keys.sk,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    at: (record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000,
  };
}
