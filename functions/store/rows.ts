import * as z from 'zod/mini';
import type { StoredItem } from './sealed-table';

/**
 * A stored item that is not what its adapter writes: an old shape, a hand edit, a bug. It names
 * the item kind and the attributes that failed, never their values (they may be personal data).
 */
export class StoredRowError extends Error {
  readonly kind: string;
  readonly attributes: readonly string[];
  constructor(kind: string, issues: readonly z.core.$ZodIssue[]) {
    const attributes = [...new Set(issues.map((issue) => issue.path.join('.') || '(item)'))];
    super(
      `stored ${kind} item does not parse: ${issues.map((i) => `${i.path.join('.') || '(item)'} ${i.code}`).join(', ')}`,
    );
    this.name = 'StoredRowError';
    this.kind = kind;
    this.attributes = attributes;
  }
}

/** A row's shape: plain attributes and opened sealed fields, each read through its schema. */
export type RowSchema<T> = z.ZodMiniType<T>;

/** Parses one row (plain attributes and opened sealed fields together) or throws StoredRowError. */
export function parseRow<T>(kind: string, schema: RowSchema<T>, row: unknown): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new StoredRowError(kind, parsed.error.issues);
  return parsed.data;
}

/** A stored item as its row: the plain attributes and the sealed fields side by side. */
export function readRow<T>(kind: string, schema: RowSchema<T>, stored: StoredItem): T;
export function readRow<T>(kind: string, schema: RowSchema<T>, stored: StoredItem | undefined): T | undefined;
export function readRow<T>(
  kind: string,
  schema: RowSchema<T>,
  stored: StoredItem | undefined,
): T | undefined {
  return stored === undefined ? undefined : parseRow(kind, schema, { ...stored.item, ...stored.sealed });
}

/** The attribute types items are written with (DynamoDB numbers come back as numbers, sets as Sets). */
export const attr = {
  text: () => z.string(),
  number: () => z.number(),
  flag: () => z.boolean(),
  /** Epoch milliseconds. */
  time: () => z.number().check(z.int(), z.nonnegative()),
  texts: () => z.array(z.string()),
  textSet: () => z.set(z.string()),
  optional: <T extends z.ZodMiniType>(schema: T) => z.optional(schema),
  /** A key of a code table (relationship, ID type, insurance type). */
  code: <T extends Readonly<Record<string, unknown>>>(table: T) =>
    z.custom<Extract<keyof T, string>>((value) => typeof value === 'string' && Object.hasOwn(table, value)),
} as const;
