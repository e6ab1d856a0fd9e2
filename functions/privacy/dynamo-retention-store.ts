import { keys } from '../store/keys';
import type { SealedTable } from '../store/sealed-table';
import type { DueItem, RetentionStore } from './retention';

const WATERMARK = keys.jobWatermark('retention');

/** The retention job's reads and writes: the sparse `purgeByDay` index and its watermark. */
export class DynamoRetentionStore implements RetentionStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async watermark(): Promise<string | undefined> {
    const stored = await this.#table.get(WATERMARK);
    return stored ? String(stored.item.day) : undefined;
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
    return pages
      .flat()
      .map(({ item }) => ({ key: { pk: item.pk, sk: item.sk }, purgeAt: String(item.purgeAt) }));
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
