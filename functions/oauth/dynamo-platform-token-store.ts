import * as z from 'zod/mini';
import type {
  MiniProgramPlatform,
  PlatformTokenStore,
  StoredPlatformToken,
} from '../providers/miniprogram/ports';
import { keys } from '../store/keys';
import { attr, readRow } from '../store/rows';
import type { SealedTable } from '../store/sealed-table';

/** `PLATFORMTOKEN#<platform>#<app>`: the cached access token (sealed) and the refresh lease. */
const tokenRow = z.object({
  accessToken: attr.optional(attr.text()),
  expiresAt: attr.optional(attr.time()),
  leaseUntil: attr.optional(attr.time()),
});

/** `PLATFORMTOKEN#<platform>#<appId>`: the token sealed, its expiry and the refresh lease in plain. */
export class DynamoPlatformTokenStore implements PlatformTokenStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async read(platform: MiniProgramPlatform, appId: string): Promise<StoredPlatformToken | undefined> {
    const row = readRow(
      'platformToken',
      tokenRow,
      await this.#table.get(keys.platformToken(platform, appId)),
    );
    return row && { token: row.accessToken, expiresAt: row.expiresAt, leaseUntil: row.leaseUntil };
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
