import { checkDeployment, type Deployment, deploymentChanges, deploymentDigest } from '../core/deployment';
import { beforeEachInvocation } from '../core/invocation';
import { logger } from '../core/logger';
import type { AuditWriter } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { conditions, type SealedTable } from '../store/sealed-table';
import { deploymentChecked, deploymentInForce, readsDeployment } from './runtime';

/**
 * The deployment in the table: `DEPLOYMENT`/`CURRENT` holds the one in force (its JSON, version and
 * digest), `DEPLOYMENT`/`V#<version>` each one ever applied. `npm run deployment -- apply` writes
 * them with an audit entry in one transaction; every function with table access reads the current
 * one at its first invocation and again when its copy is older than the stage allows, so a new
 * hospital or a rotated client secret is in force everywhere within that time, with no redeploy.
 */
export interface StoredDeployment {
  readonly deployment: Deployment;
  readonly version: number;
  readonly digest: string;
  readonly appliedAt: number;
}

/** The deployment in force; `consistent: false` (half the read cost) when a minute late is fine. */
export async function readDeployment(
  table: SealedTable,
  options: { consistent?: boolean } = {},
): Promise<StoredDeployment | undefined> {
  const stored = await table.get(keys.deploymentCurrent, {
    open: false,
    consistent: options.consistent ?? true,
  });
  if (!stored) return undefined;
  const { document, version, digest, appliedAt } = stored.item as Record<string, unknown>;
  const deployment = checkDeployment(JSON.parse(String(document)), `the table's deployment v${version}`);
  // A stored document that is not what was applied (edited by hand, cut short) is not used.
  if (deploymentDigest(deployment) !== digest)
    throw new Error(`the table's deployment v${version} does not match its digest`);
  return { deployment, version: Number(version), digest: String(digest), appliedAt: Number(appliedAt) };
}

/**
 * Keeps this instance's deployment fresh. A failed read keeps the one in force and says so.
 */
export function keepDeploymentFresh(table: () => SealedTable, maxAgeSeconds: () => number): void {
  let inFlight: Promise<void> | undefined;
  const check = async () => {
    try {
      // Eventually consistent: a refresh a moment behind the write is what refreshing means anyway.
      const stored = await readDeployment(table(), { consistent: false });
      deploymentChecked(
        Date.now(),
        stored && { value: stored.deployment, version: stored.version, digest: stored.digest },
      );
    } catch (error) {
      // Not marked as checked: the next invocation tries again. The request goes on with what is
      // in force (with none yet, the stage's own settings: no hospital), and meets the store's
      // own error if the store is down, so a health check still answers 503 degraded.
      logger.error('deployment read failed; going on with the one in force', {
        version: deploymentInForce(Date.now()).version ?? 'none',
        error: (error as Error).name,
      });
    }
  };
  beforeEachInvocation(async () => {
    if (!readsDeployment()) return;
    if (deploymentInForce(Date.now()).ageMs < maxAgeSeconds() * 1000) return;
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    await inFlight;
  });
}

export type ApplyOutcome =
  | {
      readonly applied: true;
      readonly version: number;
      readonly digest: string;
      readonly changes: Record<string, string>;
    }
  | { readonly applied: false; readonly reason: 'unchanged' | 'raced'; readonly version: number };

/**
 * Puts `deployment` in force: the current item (only if the one read is still current, so two
 * operators cannot overwrite each other unseen), its numbered copy and an audit entry naming what
 * changed, in one transaction.
 */
export async function applyDeployment(
  table: SealedTable,
  audit: AuditWriter,
  given: Deployment,
  options: { readonly at: number; readonly by: string },
): Promise<ApplyOutcome> {
  const before = await readDeployment(table);
  // The wind-down is the table's state, not the site file's: applying a file keeps it (only
  // `npm run wind-down` sets it), so a stopped service is not restarted by an edit elsewhere.
  const kept = before?.deployment.windDown;
  const deployment: Deployment = kept && !given.windDown ? { ...given, windDown: kept } : given;
  const digest = deploymentDigest(deployment);
  if (before?.digest === digest) return { applied: false, reason: 'unchanged', version: before.version };
  const version = (before?.version ?? 0) + 1;
  const changes = deploymentChanges(before?.deployment, deployment);
  const item = {
    document: JSON.stringify(deployment),
    version,
    digest,
    appliedAt: options.at,
    appliedBy: options.by,
  };
  const outcome = await table.commit([
    await table.put(
      'current',
      { ...keys.deploymentCurrent, ...item },
      {},
      before
        ? { expression: '#v = :v', names: { '#v': 'version' }, values: { ':v': before.version } }
        : conditions.absent,
    ),
    await table.put('version', { ...keys.deploymentVersion(version), ...item }, {}, conditions.absent),
    await audit.write({
      event: 'deployment.applied',
      detail: { version, digest, name: deployment.name, by: options.by, ...changes },
      at: options.at,
    }),
  ]);
  if (!outcome.ok) return { applied: false, reason: 'raced', version: before?.version ?? 0 };
  return { applied: true, version, digest, changes };
}
