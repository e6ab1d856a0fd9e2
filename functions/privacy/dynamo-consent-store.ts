import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { SealedTable } from '../store/sealed-table';
import type { ConsentEntry, ConsentPurpose, ConsentStore } from './consents';
import { accessDataMark } from './retention-marks';

const keys = {
  entry: (e: ConsentEntry) => ({
    pk: `USER#${e.userId}`,
    sk: `CONSENT#${e.purpose}#${new Date(e.at).toISOString()}`,
  }),
  state: (userId: string, purpose: string) => ({ pk: `USER#${userId}`, sk: `CONSENTSTATE#${purpose}` }),
};

/**
 * `USER#<id>/CONSENT#<purpose>#<time>` entries are only ever added (a conditional put); the
 * purpose's `CONSENTSTATE#<purpose>` item, written in the same transaction, is what features read.
 */
export class DynamoConsentStore implements ConsentStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async record(entry: ConsentEntry): Promise<void> {
    await this.#table.transactWrite([
      await this.#table.transactPut(
        { ...keys.entry(entry), ...entry, ...accessDataMark(entry.at) },
        {},
        { expression: 'attribute_not_exists(pk)' },
      ),
      await this.#table.transactPut({
        ...keys.state(entry.userId, entry.purpose),
        accepted: entry.accepted,
        policyVersion: entry.policyVersion,
        at: entry.at,
      }),
    ]);
  }

  async current(userId: string, purpose: ConsentPurpose) {
    const stored = await this.#table.get(keys.state(userId, purpose));
    return stored
      ? { accepted: stored.item.accepted === true, policyVersion: String(stored.item.policyVersion) }
      : undefined;
  }

  async history(userId: string): Promise<ConsentEntry[]> {
    const out = await this.#table.client.send(
      new QueryCommand({
        TableName: this.#table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': `USER#${userId}`, ':prefix': 'CONSENT#' }),
      }),
    );
    return (out.Items ?? []).map((raw) => {
      const item = unmarshall(raw) as ConsentEntry & { pk: string; sk: string };
      const {
        pk: _pk,
        sk: _sk,
        purgeDay: _d,
        purgeAt: _a,
        ...entry
      } = item as typeof item & {
        purgeDay?: string;
        purgeAt?: string;
      };
      return entry as ConsentEntry;
    });
  }
}
