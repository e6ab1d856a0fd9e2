export interface RateWindowKey {
  /** e.g. `number-3600`, `ip-600`, `global-86400`. */
  readonly scope: string;
  readonly key: string;
  /**
   * Counts apart under one key: a per-(ID number, account) window is keyed by the account with
   * the number as `subKey`, so everything counted for an account lives in its own partition.
   */
  readonly subKey?: string;
  readonly seconds: number;
  readonly max: number;
}

export type HitOutcome =
  | { readonly allowed: true; readonly count: number }
  | { readonly allowed: false; readonly retryAfter: number };

/** Fixed-window counters kept in the table and updated atomically (shared by every instance). */
export interface RateLimiter {
  hit(window: RateWindowKey, now: number): Promise<HitOutcome>;
  /**
   * Whether a window is already full, without counting (a read; `eventual` at half the price,
   * for signals where a count a second old is as good).
   */
  peek(window: RateWindowKey, now: number, options?: { eventual?: boolean }): Promise<HitOutcome>;
  /** Gives back one hit (a later limit refused the request). */
  undo(window: RateWindowKey, now: number): Promise<void>;
}
