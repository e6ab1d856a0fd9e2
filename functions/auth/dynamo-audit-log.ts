import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Random } from './otp';
import type { AuditEntry, AuditLog } from './ports';

/** Audit entries are kept three years (PIPL art. 54 audits; Cybersecurity Law logs >= 6 months). */
const RETENTION_SECONDS = 3 * 365 * 24 * 3600;
/** Spreads one day's entries over partitions so a busy day never makes a hot key. */
const SHARDS = 8;

/**
 * Append-only audit trail: `AUDIT#<day>#<shard>` / `<time>#<id>`. Entries hold ids, event names
 * and codes only; a test scans for plaintext.
 */
export class DynamoAuditLog implements AuditLog {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #random: Random;

  constructor(client: DynamoDBClient, tableName: string, random: Random) {
    this.#client = client;
    this.#tableName = tableName;
    this.#random = random;
  }

  async record(entry: AuditEntry, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const id = Buffer.from(this.#random.bytes(8)).toString('hex');
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#tableName,
        Item: marshall(
          {
            pk: `AUDIT#${at.slice(0, 10)}#${this.#random.int(0, SHARDS)}`,
            sk: `${at}#${id}`,
            ...entry,
            ...(entry.userId ? { auditUser: `USER#${entry.userId}`, auditAt: `${at}#${id}` } : {}),
            at,
            ttl: Math.floor(now / 1000) + RETENTION_SECONDS,
          },
          { removeUndefinedValues: true },
        ),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
