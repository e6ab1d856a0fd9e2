import type {
  MiniProgramPlatform,
  PlatformTokenStore,
  StoredPlatformToken,
} from '../providers/miniprogram/ports';
import { keys } from '../store/keys';
import type { SealedTable } from '../store/sealed-table';

/** `PLATFORMTOKEN#<platform>#<appId>`: the token sealed, its expiry and the refresh lease in plain. */
export class DynamoPlatformTokenStore implements PlatformTokenStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async read(platform: MiniProgramPlatform, appId: string): Promise<StoredPlatformToken | undefined> {
    const stored = await this.#table.get<{ accessToken?: string }>(keys.platformToken(platform, appId));
    if (!stored) return undefined;
    return {
      token: stored.sealed.accessToken,
      expiresAt: stored.item.expiresAt as number | undefined,
      leaseUntil: stored.item.leaseUntil as number | undefined,
    };
  }

  async lease(
    platform: MiniProgramPlatform,
    appId: string,
    lease: { owner: string; now: number; leaseMs: number; seenExpiresAt: number | undefined },
  ) {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'lease',
        keys.platformToken(platform, appId),
        { set: { leaseUntil: lease.now + lease.leaseMs, leaseOwner: lease.owner } },
        {
          condition: {
            expression: `(attribute_not_exists(#lease) OR #lease < :now) AND ${
              lease.seenExpiresAt === undefined ? 'attribute_not_exists(#expires)' : '#expires = :seen'
            }`,
            names: { '#lease': 'leaseUntil', '#expires': 'expiresAt' },
            values: {
              ':now': lease.now,
              ...(lease.seenExpiresAt === undefined ? {} : { ':seen': lease.seenExpiresAt }),
            },
          },
        },
      ),
    );
    return outcome.ok;
  }

  async save(platform: MiniProgramPlatform, appId: string, owner: string, token: string, expiresAt: number) {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'token',
        keys.platformToken(platform, appId),
        { set: { expiresAt }, remove: ['leaseUntil', 'leaseOwner'] },
        {
          sealed: { accessToken: token },
          condition: {
            expression: '#owner = :owner',
            names: { '#owner': 'leaseOwner' },
            values: { ':owner': owner },
          },
        },
      ),
    );
    return outcome.ok;
  }
}
