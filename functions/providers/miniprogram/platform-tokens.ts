import type { Clock } from '../../core/clock';
import { MiniProgramError, type MiniProgramPlatform, type PlatformTokenStore } from './ports';

export interface PlatformTokenDeps {
  readonly platform: MiniProgramPlatform;
  readonly store: PlatformTokenStore;
  readonly clock: Clock;
  readonly random: { bytes(n: number): Uint8Array };
  readonly sleep: (ms: number) => Promise<void>;
  /** Fetches a new token from the platform; `force` asks it to replace one it still holds. */
  readonly fetch: (appId: string, force: boolean) => Promise<{ token: string; expiresInSeconds: number }>;
  readonly refreshAheadMs: number;
  /** How long a refresher may hold the lease before another may take it. */
  readonly leaseMs?: number;
  /** How long to wait for another refresher, in steps. */
  readonly waitMs?: number;
  readonly maxWaits?: number;
}

/**
 * The platform's access token (WeChat `stable_token`: 7,200 s), shared by every function through
 * one sealed table item and kept in memory until it nears expiry. Refreshed ahead of expiry by one
 * caller at a time: whoever takes the conditional lease fetches, the others keep using the current
 * token, or wait briefly when there is none. A token the platform refused (40001) is replaced once,
 * with `force`, unless someone already replaced it.
 */
export class PlatformAccessTokens {
  readonly #deps: PlatformTokenDeps;
  readonly #memo = new Map<string, { token: string; expiresAt: number }>();

  constructor(deps: PlatformTokenDeps) {
    this.#deps = deps;
  }

  async token(appId: string, options: { refused?: string } = {}): Promise<string> {
    const { clock, store, platform, refreshAheadMs } = this.#deps;
    const memo = this.#memo.get(appId);
    if (memo && memo.token !== options.refused && memo.expiresAt - clock.now().getTime() > refreshAheadMs)
      return memo.token;
    const maxWaits = this.#deps.maxWaits ?? 50;
    for (let attempt = 0; attempt <= maxWaits; attempt++) {
      const now = clock.now().getTime();
      const stored = await store.read(platform, appId);
      const current =
        stored?.token && stored.expiresAt && stored.expiresAt > now && stored.token !== options.refused
          ? { token: stored.token, expiresAt: stored.expiresAt }
          : undefined;
      if (current && current.expiresAt - now > refreshAheadMs) {
        this.#memo.set(appId, current);
        return current.token;
      }
      const owner = Buffer.from(this.#deps.random.bytes(12)).toString('base64url');
      const leased = await store.lease(platform, appId, {
        owner,
        now,
        leaseMs: this.#deps.leaseMs ?? 10_000,
        seenExpiresAt: stored?.expiresAt,
      });
      if (leased) {
        const force = options.refused !== undefined && stored?.token === options.refused;
        const fetched = await this.#deps.fetch(appId, force);
        const expiresAt = clock.now().getTime() + fetched.expiresInSeconds * 1000;
        await store.save(platform, appId, owner, fetched.token, expiresAt);
        this.#memo.set(appId, { token: fetched.token, expiresAt });
        return fetched.token;
      }
      // Someone else is refreshing: the current token still works meanwhile.
      if (current) return current.token;
      await this.#deps.sleep(this.#deps.waitMs ?? 100);
    }
    throw new MiniProgramError(platform, 'unavailable', 'token_refresh_timeout');
  }
}
