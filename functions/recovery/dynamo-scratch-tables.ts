import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  paginateListTables,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { verifyChainIn } from '../audit';
import type { Sealer } from '../crypto/sealer';
import { SealedTable } from '../store/sealed-table';
import { SEALED_ATTRIBUTE } from '../store/table-definition';
import type { RestoreCheck, ScratchTable, ScratchTables } from './restore-test';

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The restore test's tables in DynamoDB: only names under `<prefix>-rt-` are listed, read or
 * dropped (IAM allows no other), and a check reads at most `sampleLimit` items.
 */
export class DynamoScratchTables implements ScratchTables {
  readonly #client: DynamoDBClient;
  readonly #prefix: string;
  readonly #sealer: Sealer;
  readonly #auditKey: Uint8Array;
  readonly #sampleLimit: number;

  constructor(
    client: DynamoDBClient,
    options: { prefix: string; sealer: Sealer; auditKey: Uint8Array; sampleLimit?: number },
  ) {
    this.#client = client;
    this.#prefix = `${options.prefix}-rt-`;
    this.#sealer = options.sealer;
    this.#auditKey = options.auditKey;
    this.#sampleLimit = options.sampleLimit ?? 2000;
  }

  async list(): Promise<ScratchTable[]> {
    const names: string[] = [];
    for await (const page of paginateListTables({ client: this.#client }, {}))
      names.push(...(page.TableNames ?? []).filter((n) => n.startsWith(this.#prefix)));
    return Promise.all(
      names.map(async (name) => {
        const { Table } = await this.#client.send(new DescribeTableCommand({ TableName: name }));
        return { name, ready: Table?.TableStatus === 'ACTIVE' };
      }),
    );
  }

  async check(name: string, backupTakenAt: number): Promise<RestoreCheck> {
    this.#own(name);
    const table = new SealedTable({ client: this.#client, tableName: name, sealer: this.#sealer });
    let items = 0;
    let opened = 0;
    let unopened = 0;
    scan: for await (const page of paginateScan({ client: this.#client }, { TableName: name, Limit: 500 })) {
      for (const raw of page.Items ?? []) {
        if (items >= this.#sampleLimit) break scan;
        items++;
        if (raw[SEALED_ATTRIBUTE] === undefined) continue;
        try {
          await table.fromStorage(raw);
          opened++;
        } catch {
          unopened++;
        }
      }
    }
    // The chain of the backup's day and the day before, as it stood when the backup was taken.
    const report = await verifyChainIn(
      new SealedTable({ client: this.#client, tableName: name }),
      this.#auditKey,
      {
        from: day(backupTakenAt - DAY_MS),
        to: day(backupTakenAt),
        now: backupTakenAt,
        maxUnchainedSeconds: 86_400,
      },
    );
    return { items, opened, unopened, auditEntries: report.entries, auditProblems: report.problems.length };
  }

  async drop(name: string): Promise<void> {
    this.#own(name);
    await this.#client.send(new DeleteTableCommand({ TableName: name }));
  }

  /** Never reads or drops a table the restore test did not make. */
  #own(name: string): void {
    if (!name.startsWith(this.#prefix)) throw new Error(`${name} is not a restore-test table`);
  }
}
