import * as z from 'zod/mini';
import { ValidationError } from './errors';
import { meta, text } from './schema-parts';

/**
 * Cursor pagination for an account's own lists (cards, sessions, consents, requests): each list
 * is ordered by a key that never changes for an item (its time of creation, then its id), and a
 * page's cursor is the key of its last item, so a page is what follows it whatever was added or
 * removed meanwhile (keyset, not offsets). The lists are the account's own and bounded by its
 * limits, so each is read whole from its partition and paged here.
 */
const CURSOR = /^[A-Za-z0-9_-]{4,256}$/;

export const pageQuery = z.strictObject({
  limit: z.optional(
    z.coerce
      .number()
      .check(
        z.int(),
        z.minimum(1),
        z.maximum(100),
        meta({ format: 'int32', description: 'Items per page (default 50)' }),
      ),
  ),
  cursor: z.optional(
    text(256, { pattern: CURSOR }).check(
      meta({ description: 'The `next` of the previous page; omit for the first' }),
    ),
  ),
});

export type PageQuery = z.infer<typeof pageQuery>;

export const nextCursor = () =>
  z
    .nullable(text(256, { pattern: CURSOR }))
    .check(meta({ description: 'The cursor of the next page; null on the last' }));

const encode = (key: string) => Buffer.from(`p1:${key}`, 'utf8').toString('base64url');

function decode(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('p1:') || encode(text.slice(3)) !== cursor)
    throw new ValidationError([{ path: 'query.cursor', issue: 'invalid_cursor' }]);
  return text.slice(3);
}

/** A fixed-width time, so keys sort as their times do (`descending`: newest first). */
export function timeKey(epochMs: number, order: 'ascending' | 'descending' = 'ascending'): string {
  const value = order === 'ascending' ? epochMs : 9_999_999_999_999 - epochMs;
  return String(Math.max(0, value)).padStart(13, '0');
}

/** One page of `items` in the order of `key` (unique per item), after the cursor given. */
export function pageOf<T>(
  items: readonly T[],
  key: (item: T) => string,
  page: PageQuery = {},
): { items: T[]; next: string | null } {
  const after = page.cursor === undefined ? undefined : decode(page.cursor);
  const limit = page.limit ?? 50;
  const ordered = items
    .map((item) => ({ item, key: key(item) }))
    .filter((entry) => after === undefined || entry.key > after)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const chosen = ordered.slice(0, limit);
  const last = chosen[chosen.length - 1];
  return { items: chosen.map((e) => e.item), next: ordered.length > limit && last ? encode(last.key) : null };
}
