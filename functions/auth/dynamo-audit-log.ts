import {
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type ChainHead, chainHash } from './audit-chain';
import type { Random } from './otp';
import type { AuditEntry, AuditLog } from './ports';

/** Audit entries are kept three years (PIPL art. 54 audits; Cybersecurity Law logs >= 6 months). */
const RETENTION_SECONDS = 3 * 365 * 24 * 3600;
/** Spreads one day's entries over partitions so a busy day never makes a hot key or a long chain race. */
export const AUDIT_SHARDS = 8;
/** Appends racing for one partition's head: each loser re-reads the head and tries again. */
const MAX_ATTEMPTS = 8;
export const HEAD_SK = 'HEAD';

export const auditPartition = (day: string, shard: number) => `AUDIT#${day}#${shard}`;

/**
 * Append-only audit trail: `AUDIT#<day>#<shard>` / `<time>#<id>`, hash-chained per partition
 * (see audit-chain.ts). Each append moves the partition's head item in the same transaction, so
 * two concurrent appends cannot both take one `seq`. Entries hold ids, event names and codes only;
 * a test scans for plaintext.
 */
export class DynamoAuditLog implements AuditLog {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #random: Random;
  readonly #key: Uint8Array;

  constructor(client: DynamoDBClient, tableName: string, random: Random, chainKey: Uint8Array) {
    this.#client = client;
    this.#tableName = tableName;
    this.#random = random;
    this.#key = chainKey;
  }

  async record(entry: AuditEntry, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const id = Buffer.from(this.#random.bytes(8)).toString('hex');
    const pk = auditPartition(at.slice(0, 10), this.#random.int(0, AUDIT_SHARDS));
    const ttl = Math.floor(now / 1000) + RETENTION_SECONDS;
    for (let attempt = 1; ; attempt++) {
      const head = await this.#head(pk);
      const body = {
        pk,
        sk: `${at}#${id}`,
        ...entry,
        ...(entry.userId ? { auditUser: `USER#${entry.userId}`, auditAt: `${at}#${id}` } : {}),
        at,
        ttl,
        seq: (head?.seq ?? 0) + 1,
        prev: head?.hash ?? '',
      };
      // Hash exactly what is stored: the JSON round trip drops undefined fields as marshall does.
      const item = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
      const hash = chainHash(this.#key, item);
      try {
        await this.#client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.#tableName,
                  Item: marshall({ ...item, hash }, { removeUndefinedValues: true }),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.#tableName,
                  Item: marshall({ pk, sk: HEAD_SK, seq: item.seq, hash, ttl }),
                  ...(head
                    ? {
                        ConditionExpression: 'seq = :seq',
                        ExpressionAttributeValues: marshall({ ':seq': head.seq }),
                      }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        const lostRace =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some(
            (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
          );
        if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async #head(pk: string): Promise<ChainHead | undefined> {
    const found = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: marshall({ pk, sk: HEAD_SK }),
        ConsistentRead: true,
      }),
    );
    if (!found.Item) return undefined;
    const { seq, hash } = unmarshall(found.Item);
    return { seq: Number(seq), hash: String(hash) };
  }
}
