import * as z from 'zod/mini';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import type { SealedTable } from '../store/sealed-table';
import type { DueItem, RetentionStore } from './retention';

const watermarkRow = z.object({ day: attr.text() });
/** Any item on the retention job's list: its key and when its mark falls due. */
const dueRow = z.object({ pk: attr.text(), sk: attr.text(), purgeAt: attr.text() });

const WATERMARK = keys.jobWatermark('retention');

/** The retention job's reads and writes: the sparse `purgeByDay` index and its watermark. */
export class DynamoRetentionStore implements RetentionStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async watermark(): Promise<string | undefined> {
    const stored = await this.#table.get(WATERMARK);
    return stored ? parseRow('jobWatermark', watermarkRow, stored.item).day : undefined;
  }

  async setWatermark(day: string, at: number): Promise<void> {
    await this.#table.commit(await this.#table.put('watermark', { ...WATERMARK, day, at }));
  }

  async dueOn(day: string, now: number): Promise<DueItem[]> {
    const pages = await Promise.all(
      keys.purgeDays(day).map((pk) =>
        this.#table.queryAll({
          pk,
          index: { name: 'purgeByDay', pk: 'purgeDay', sk: 'purgeAt' },
          skAtMost: new Date(now).toISOString(),
          keysOnly: false,
        }),
      ),
    );
    return pages.flat().map(({ item }) => {
      const { pk, sk, purgeAt } = parseRow('purgeMark', dueRow, item);
      return { key: { pk, sk }, purgeAt };
    });
  }

  async stripAccessData(due: DueItem): Promise<boolean> {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'strip',
        due.key,
        { remove: ['ipPrefix', 'userAgent', 'purgeDay', 'purgeAt'] },
        {
          condition: { expression: '#at = :at', names: { '#at': 'purgeAt' }, values: { ':at': due.purgeAt } },
        },
      ),
    );
    return outcome.ok;
  }
}
