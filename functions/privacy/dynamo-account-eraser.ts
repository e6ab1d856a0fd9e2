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
    const toKeep: ItemKey[] = [];
    for (const { item } of own) {
      const key = { pk: item.pk, sk: item.sk };
      const name = kindOf(key);
      if (!name)
        throw new Error(`an item of no registered kind in an account partition (sk ${key.sk.split('#')[0]})`);
      const fate: Fate = (kinds[name] as ItemKind).onAccountDeletion;
      if (fate.kind === 'storage_only') toKeep.push(key);
      else if (fate.kind === 'erase' || fate.kind === 'released') toDelete.push(key);
    }
    for (const key of toKeep) {
      const fate = (kinds[kindOf(key) as KindName] as ItemKind).onAccountDeletion as Extract<
        Fate,
        { kind: 'storage_only' }
      >;
      await this.#table.commit(
        await this.#table.update('storageOnly', key, {
          set: { storageOnly: true, ttl: seconds(keepUntil) },
          remove: fate.strip,
        }),
      );
    }
    const elsewhere: ItemKey[] = [];
    for (const [name, locate] of Object.entries(accountItemsElsewhere) as [
      KindName,
      (a: AccountFacts) => { keys?: ItemKey[]; partitions?: string[] },
    ][]) {
      if ((kinds[name] as ItemKind).onAccountDeletion.kind !== 'erase') continue;
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
