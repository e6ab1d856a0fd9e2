import { BatchWriteItemCommand, UpdateItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { queryAll } from '../store/query-all';
import type { SealedTable } from '../store/sealed-table';
import type { AccountEraser, ErasedAccount } from './account-deletion';

/** Every purpose a code can be sent for: their live challenges are keyed by the number. */
const OTP_PURPOSES = ['login', 'bind', 'step_up', 'privacy_request'];
const BATCH = 25;

/**
 * Deletes an account's items: its whole `USER#<id>` partition except consent records (kept
 * storage-only: access data removed, TTL set), its Idempotency-Key records, the live one-time-code
 * challenges and resend gates of its number and the remembered provider match of its name and ID
 * number.
 */
export class DynamoAccountEraser implements AccountEraser {
  readonly #table: SealedTable;
  readonly #accountCounterScopes: readonly string[];

  /** `accountCounterScopes`: rate-limit scopes keyed by the account id (`RATE#<scope>#<userId>`). */
  constructor(table: SealedTable, accountCounterScopes: readonly string[]) {
    this.#table = table;
    this.#accountCounterScopes = accountCounterScopes;
  }

  async #keysOf(pk: string) {
    const items = await queryAll(this.#table.client, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': pk }),
      ProjectionExpression: 'pk, sk',
    });
    return items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
  }

  async #deleteAll(keys: readonly { pk: string; sk: string }[]) {
    for (let i = 0; i < keys.length; i += BATCH) {
      let pending: WriteRequest[] = keys
        .slice(i, i + BATCH)
        .map((key) => ({ DeleteRequest: { Key: marshall(key) } }));
      // BatchWrite may hand back what it could not do under throttling: do that again.
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
        const out = await this.#table.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#table.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.#table.tableName] ?? [];
      }
    }
  }

  async erase(account: ErasedAccount, keepUntil: number): Promise<{ deleted: number; kept: number }> {
    const own = await this.#keysOf(`USER#${account.userId}`);
    const consents = own.filter((k) => k.sk.startsWith('CONSENT#'));
    const rest = own.filter((k) => !k.sk.startsWith('CONSENT#'));
    for (const key of consents) {
      await this.#table.client.send(
        new UpdateItemCommand({
          TableName: this.#table.tableName,
          Key: marshall(key),
          UpdateExpression:
            'SET #storageOnly = :true, #ttl = :ttl REMOVE #ipPrefix, #userAgent, #purgeDay, #purgeAt',
          ExpressionAttributeNames: {
            '#storageOnly': 'storageOnly',
            '#ttl': 'ttl',
            '#ipPrefix': 'ipPrefix',
            '#userAgent': 'userAgent',
            '#purgeDay': 'purgeDay',
            '#purgeAt': 'purgeAt',
          },
          ExpressionAttributeValues: marshall({ ':true': true, ':ttl': Math.ceil(keepUntil / 1000) }),
        }),
      );
    }
    const others = [
      ...(await this.#keysOf(`IDEMPOTENCY#${account.userId}`)),
      // Counters keyed by the account are no use once it is gone; those keyed by a number or an
      // ID number stay until their TTL, or deleting an account would reset them.
      ...(
        await Promise.all(
          this.#accountCounterScopes.map((scope) => this.#keysOf(`RATE#${scope}#${account.userId}`)),
        )
      ).flat(),
      ...OTP_PURPOSES.map((purpose) => ({ pk: `OTP#${account.phoneToken}`, sk: purpose })),
      // The 60-second resend gates go too, so the number can register again at once; the hourly
      // and daily send counters stay until their TTL, since they guard against SMS pumping.
      ...OTP_PURPOSES.map((purpose) => ({ pk: `GATE#resend#${account.phoneToken}#${purpose}`, sk: 'LAST' })),
      ...(account.pairToken ? [{ pk: `IDMATCH#${account.pairToken}`, sk: 'MATCH' }] : []),
    ];
    // The profile last: while it exists, a failed run can be picked up again from it.
    const profile = rest.filter((k) => k.sk === 'PROFILE');
    await this.#deleteAll([...rest.filter((k) => k.sk !== 'PROFILE'), ...others]);
    await this.#deleteAll(profile);
    return { deleted: rest.length + others.length, kept: consents.length };
  }
}
