import {
  type AccountFacts,
  accountItemsElsewhere,
  type Fate,
  type ItemKind,
  type KindName,
  keys,
  kindOf,
  kinds,
} from '../store/keys';
import type { ItemKey, SealedTable } from '../store/sealed-table';
import type { AccountEraser } from './account-deletion';

const seconds = (ms: number) => Math.ceil(ms / 1000);

/** Every kind read as the registry's shape (each entry satisfies it). */
const registered: Readonly<Record<KindName, ItemKind>> = kinds;

/**
 * Removes what is left of an account once its cards are released, as the key registry says:
 * every item of its partition by its kind's fate (erased, or kept storage-only with the access
 * data stripped and a TTL), then the items elsewhere that the registry locates from the account
 * (live codes and resend gates of its number, counters keyed by it, the remembered provider match).
 * An item of no registered kind stops the job: nothing is deleted or kept by guesswork.
 */
export class DynamoAccountEraser implements AccountEraser {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async erase(account: AccountFacts, keepUntil: number): Promise<{ deleted: number; kept: number }> {
    const own = await this.#table.queryAll({ pk: keys.accountPartition(account.userId), keysOnly: true });
    const toDelete: ItemKey[] = [];
    const toKeep: Array<{ key: ItemKey; strip: readonly string[] }> = [];
    for (const { item } of own) {
      const key = { pk: item.pk, sk: item.sk };
      const name = kindOf(key);
      if (!name)
        throw new Error(`an item of no registered kind in an account partition (sk ${key.sk.split('#')[0]})`);
      const fate: Fate = registered[name].onAccountDeletion;
      if (fate.kind === 'storage_only') toKeep.push({ key, strip: fate.strip });
      else if (fate.kind === 'erase' || fate.kind === 'released') toDelete.push(key);
    }
    for (const { key, strip } of toKeep) {
      await this.#table.commit(
        await this.#table.update('storageOnly', key, {
          set: { storageOnly: true, ttl: seconds(keepUntil) },
          remove: [...strip],
        }),
      );
    }
    const elsewhere: ItemKey[] = [];
    for (const name of Object.keys(registered).filter((n): n is KindName => n in accountItemsElsewhere)) {
      const locate = accountItemsElsewhere[name];
      if (!locate || registered[name].onAccountDeletion.kind !== 'erase') continue;
      const found = locate(account);
      elsewhere.push(...(found.keys ?? []));
      for (const pk of found.partitions ?? []) {
        elsewhere.push(
          ...(await this.#table.queryAll({ pk, keysOnly: true })).map(({ item }) => ({
            pk: item.pk,
            sk: item.sk,
          })),
        );
      }
    }
    // The profile last: while it exists, a failed run can be picked up again from it.
    const profile = keys.profile(account.userId);
    const isProfile = (k: ItemKey) => k.pk === profile.pk && k.sk === profile.sk;
    await this.#table.deleteMany([...toDelete.filter((k) => !isProfile(k)), ...elsewhere]);
    await this.#table.deleteMany(toDelete.filter(isProfile));
    return { deleted: toDelete.length + elsewhere.length, kept: toKeep.length };
  }
}
