import { type StageConfig, stageConfig } from '../core/config';

/**
 * The one reader of the process environment. Composition roots (each feature's `deps.ts`) call it;
 * Lambda gets the variables from CDK and `npm start` sets the same ones with local values. Tests
 * and the local runtime may run with other settings: `overrideRuntime` swaps them and every
 * memoised graph is built afresh.
 */
interface Overrides {
  readonly env?: Readonly<Record<string, string>>;
  readonly config?: StageConfig;
  /** Parts given whole (by their `once` key): the bench's metered graph, a test's double. */
  readonly parts?: Readonly<Record<string, unknown>>;
}
let overrides: Overrides = {};
let generation = 0;

export type Environment = Readonly<Record<string, string | undefined>>;

export function environment(): Environment {
  return { ...process.env, ...overrides.env };
}

/** The stage configuration this instance runs with. */
export function runtimeConfig(): StageConfig {
  return overrides.config ?? stageConfig(environment().STAGE ?? 'prod');
}

/** Replaces the environment, the configuration or whole parts (undefined: back to the process's). */
export function overrideRuntime(next?: Overrides): void {
  overrides = next ?? {};
  generation++;
}

const cache = new Map<string, { generation: number; value: unknown }>();

/**
 * Builds a part once per cold start (per override generation): the SDK clients, keys and adapters
 * of a group. A failed build (KMS throttled) is not kept, so the next request tries again.
 */
export function once<T>(key: string, make: () => T): T {
  if (overrides.parts && key in overrides.parts) return overrides.parts[key] as T;
  const hit = cache.get(key);
  if (hit && hit.generation === generation) return hit.value as T;
  const value = make();
  cache.set(key, { generation, value });
  if (value instanceof Promise) {
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
  }
  return value;
}
