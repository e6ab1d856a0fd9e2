import { logger } from '../../core/logger';
import { verifyDeps } from '../deps';
import { verifyAudit } from '../verify-audit';

/**
 * The scheduled check of the audit trail (daily, over yesterday and today): publishes the number
 * of problems (alarmed at one) and of entries not chained yet, and logs each problem by key (audit
 * keys name days, shards and random ids, nothing about a person). Lag in between is the chain
 * worker's iterator age, alarmed on its own.
 */
export async function handler(): Promise<{ problems: number; pending: number; entries: number }> {
  const deps = await verifyDeps();
  const now = deps.clock.now().getTime();
  const today = new Date(now).toISOString().slice(0, 10);
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  const report = await verifyAudit(deps, {
    from: yesterday,
    to: today,
    now,
    maxUnchainedSeconds: deps.maxUnchainedSeconds,
  });
  for (const problem of report.problems) logger.error('audit trail problem', { ...problem });
  deps.metrics.count('AuditChainProblems', report.problems.length);
  deps.metrics.count('AuditEntriesPending', report.pending);
  deps.metrics.flush();
  return { problems: report.problems.length, pending: report.pending, entries: report.entries };
}
