import { describe, expect, it } from 'vitest';
import { PlatformAccessTokens } from '../../../functions/providers/miniprogram/platform-tokens';
import type { PlatformTokenStore, StoredPlatformToken } from '../../../functions/providers/miniprogram/ports';

/** The table item's conditional semantics, in memory. */
class MemoryStore implements PlatformTokenStore {
  item: (StoredPlatformToken & { owner?: string }) | undefined;
  reads = 0;
  async read() {
    this.reads++;
    return this.item ? { ...this.item } : undefined;
  }
  async lease(
    _p: string,
    _a: string,
    lease: { owner: string; now: number; leaseMs: number; seenExpiresAt: number | undefined },
  ) {
    const leased = this.item?.leaseUntil !== undefined && this.item.leaseUntil >= lease.now;
    if (leased || this.item?.expiresAt !== lease.seenExpiresAt) return false;
    this.item = { ...this.item, leaseUntil: lease.now + lease.leaseMs, owner: lease.owner };
    return true;
  }
  async save(_p: string, _a: string, owner: string, token: string, expiresAt: number) {
    if (this.item?.owner !== owner) return false;
    this.item = { token, expiresAt };
    return true;
  }
}

function setup(options: { fetchDelayMs?: number } = {}) {
  let now = Date.parse('2026-11-30T08:00:00+08:00');
  const store = new MemoryStore();
  const fetches: boolean[] = [];
  let n = 0;
  const tokens = () =>
    new PlatformAccessTokens({
      platform: 'wechat',
      store,
      clock: { now: () => new Date(now) },
      random: { bytes: (k) => new Uint8Array(k).map(() => Math.floor(Math.random() * 256)) },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
      fetch: async (_appId, force) => {
        fetches.push(force);
        if (options.fetchDelayMs) await new Promise((r) => setTimeout(r, options.fetchDelayMs));
        return { token: `T${++n}`, expiresInSeconds: 7200 };
      },
      refreshAheadMs: 300_000,
    });
  return { store, fetches, tokens, advance: (ms: number) => (now += ms) };
}

describe('the shared platform access token', () => {
  it('is fetched once by one of many instances asking at once, and the others share it', async () => {
    const { fetches, tokens } = setup({ fetchDelayMs: 20 });
    const instances = Array.from({ length: 10 }, tokens);
    const got = await Promise.all(instances.map((i) => i.token('wx1')));
    expect(new Set(got)).toEqual(new Set(['T1']));
    expect(fetches).toEqual([false]);
  });

  it('serves from memory while fresh, and refreshes ahead of expiry, while others keep the old token meanwhile', async () => {
    const { store, fetches, tokens, advance } = setup();
    const a = tokens();
    expect(await a.token('wx1')).toBe('T1');
    const reads = store.reads;
    expect(await a.token('wx1')).toBe('T1');
    expect(store.reads).toBe(reads);
    advance(7200_000 - 200_000); // inside the refresh margin
    // Someone holds the lease: another instance still gets the current token without waiting.
    store.item = { ...(store.item ?? {}), leaseUntil: Date.parse('2030-01-01'), owner: 'other' };
    expect(await tokens().token('wx1')).toBe('T1');
    store.item = { ...(store.item ?? {}), leaseUntil: undefined, owner: undefined };
    expect(await a.token('wx1')).toBe('T2');
    expect(fetches).toEqual([false, false]);
  });

  it('replaces a refused token once, with force, unless another instance already replaced it', async () => {
    const { fetches, tokens } = setup();
    const a = tokens();
    const b = tokens();
    expect(await a.token('wx1')).toBe('T1');
    const [x, y] = await Promise.all([a.token('wx1', { refused: 'T1' }), b.token('wx1', { refused: 'T1' })]);
    expect([x, y]).toEqual(['T2', 'T2']);
    expect(fetches).toEqual([false, true]);
  });

  it('gives up with unavailable when no token appears while another holds the lease', async () => {
    const { store, tokens } = setup();
    store.item = { leaseUntil: Date.parse('2030-01-01'), owner: 'stuck' };
    await expect(tokens().token('wx1')).rejects.toMatchObject({
      reason: 'unavailable',
      providerCode: 'token_refresh_timeout',
    });
  });
});
