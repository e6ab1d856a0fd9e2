import { type StageConfig, stageConfig } from '../core/config';
import { type Deployment, withDeployment } from '../core/deployment';

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

/**
 * The deployment (hospitals, clients, app ids) last read from the table: its content, version and
 * digest, and when it was last checked (reset with the rest by `overrideRuntime`).
 */
let deployment: { readonly value: Deployment; readonly version: number; readonly digest: string } | undefined;
let deploymentCheckedAt = Number.NEGATIVE_INFINITY;

/** The stage configuration this instance runs with: the stage's rules and the site's deployment. */
export function runtimeConfig(): StageConfig {
  if (overrides.config) return overrides.config;
  const stage = stageConfig(environment().STAGE ?? 'prod');
  return deployment ? withDeployment(stage, deployment.value) : stage;
}

/** Whether this instance takes its site from the table (not when a test gives the whole config). */
export function readsDeployment(): boolean {
  return overrides.config === undefined && environment().DEPLOYMENT_SOURCE === 'table';
}

/** The deployment in force (undefined: none applied, the stage's own settings) and its age. */
export function deploymentInForce(now: number): { readonly version?: number; readonly ageMs: number } {
  return { version: deployment?.version, ageMs: now - deploymentCheckedAt };
}

/**
 * Records a check of the table's deployment. Another one (by digest: versions count per table)
 * is put in force, and every part built from the old one (HIS clients, the hospital list, client
 * registrations, provider credentials) is built again on its next use.
 */
export function deploymentChecked(
  now: number,
  found?: { readonly value: Deployment; readonly version: number; readonly digest: string },
): void {
  deploymentCheckedAt = now;
  if (!found || deployment?.digest === found.digest) return;
  deployment = found;
  generation++;
}

/** Replaces the environment, the configuration or whole parts (undefined: back to the process's). */
export function overrideRuntime(next?: Overrides): void {
  overrides = next ?? {};
  deployment = undefined;
  deploymentCheckedAt = Number.NEGATIVE_INFINITY;
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
