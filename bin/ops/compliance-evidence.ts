import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { daysBetween } from '../../functions/audit';
import {
  bundleMac,
  bundleMacMatches,
  type EvidenceEntry,
  evidenceBundle,
  evidenceMarkdown,
  type IncidentSummary,
} from '../../functions/compliance';
import type { StageConfig } from '../../functions/core/config';
import type { AuditEntries, IncidentRecord } from '../../functions/incident';
import { INCIDENT_RETENTION_SECONDS } from '../../functions/incident/dynamo-incident-store';
import { AUDIT_RETENTION_SECONDS, dayOf } from '../../functions/kernel/audit/audit-entry';
import type { AuditEvent } from '../../functions/kernel/audit/ports';
import { ACCESS_RECORD_DAYS } from '../../functions/kernel/retention-marks';
import { processors } from '../../functions/providers/processors';
import { REFRESH_COOKIE } from '../local/web-session';

export const EVIDENCE_USAGE = `usage: npm run compliance:evidence -- --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]
       npm run compliance:evidence -- --verify DIR/evidence.json`;

export interface EvidenceCommandDeps {
  readonly now: () => number;
  readonly audit: AuditEntries;
  readonly incident: (incidentId: string) => Promise<IncidentRecord | undefined>;
  readonly record: (event: AuditEvent) => Promise<void>;
  readonly auditKey: Uint8Array;
  readonly config: StageConfig;
  readonly by: string;
  readonly outDir: string;
  readonly print: (line: string) => void;
}

const DAY_MS = 86_400_000;

/** Retention as the code and the stage configuration keep it (the policy map's table, 3(a)). */
function retentionOf(config: StageConfig) {
  return [
    {
      record: 'WAF log (blocked and counted requests)',
      days: config.logRetentionDays,
      basis: 'Cybersecurity Law art. 21',
    },
    {
      record: 'API access and function logs (no IP, no user agent)',
      days: config.logRetentionDays,
      basis: 'Cybersecurity Law art. 21',
    },
    {
      record: 'Browsing and access records (IP prefix, user agent)',
      days: ACCESS_RECORD_DAYS,
      basis: 'privacy policy',
    },
    {
      record: 'Security audit log',
      days: AUDIT_RETENTION_SECONDS / 86_400,
      basis: 'PIPL art. 54; Cybersecurity Law art. 21',
    },
    {
      record: 'Incident records and notices',
      days: INCIDENT_RETENTION_SECONDS / 86_400,
      basis: 'PIPL art. 57',
    },
    { record: 'Backups', days: config.backupRetentionDays, basis: 'recovery (MLPS 2.0 level 3)' },
    {
      record: `Cookie ${REFRESH_COOKIE.name}`,
      days: REFRESH_COOKIE.maxAgeDays,
      basis: 'keeping the person signed in',
    },
  ];
}

function incidentSummary(i: IncidentRecord): IncidentSummary {
  return {
    incidentId: i.incidentId,
    grade: i.brief.grade,
    discoveredAt: new Date(i.discoveredAt).toISOString(),
    people: i.scope?.people ?? null,
    noticesSent: i.noticesSent ?? 0,
    smsSent: i.smsSent ?? 0,
    reportSubmittedMinutesAfterDiscovery:
      i.reportSubmittedAt === undefined ? null : Math.round((i.reportSubmittedAt - i.discoveredAt) / 60_000),
    closedAt: i.closedAt === undefined ? null : new Date(i.closedAt).toISOString(),
  };
}

/**
 * `npm run compliance:evidence`: the bundle (evidence.json with its MAC, evidence.md to read) for
 * whole UTC days `--from`..`--to`, computed from the table's audit trail; the run is audited.
 * `--verify` checks a bundle's MAC. Returns the exit code.
 */
export async function runEvidenceCommand(
  argv: readonly string[],
  deps: EvidenceCommandDeps,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      verify: { type: 'string' },
    },
  });
  if (values.verify) {
    const bundle = JSON.parse(readFileSync(values.verify, 'utf8')) as Record<string, unknown>;
    const ok = bundleMacMatches(deps.auditKey, bundle);
    deps.print(
      ok ? 'MAC verifies: the bundle is as it was made' : 'MAC does not verify: the bundle was changed',
    );
    return ok ? 0 : 1;
  }
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (
    !values.from ||
    !values.to ||
    !day.test(values.from) ||
    !day.test(values.to) ||
    values.from > values.to
  ) {
    deps.print(EVIDENCE_USAGE);
    return 2;
  }
  const from = Date.parse(`${values.from}T00:00:00Z`);
  const to = Math.min(Date.parse(`${values.to}T00:00:00Z`) + DAY_MS, deps.now());
  const days = daysBetween(values.from, dayOf(to - 1));
  const entries: EvidenceEntry[] = (await Promise.all(days.map((d) => deps.audit.entries(d)))).flat();
  const chain = await deps.audit.verify(values.from, days.at(-1) ?? values.to, deps.now());
  const incidentIds = [
    ...new Set(
      entries
        .filter((e) => e.event === 'incident.opened' && deps.audit.trusted(e))
        .map((e) => String((e.detail as Record<string, unknown>).incidentId)),
    ),
  ];
  const incidents = (await Promise.all(incidentIds.map((id) => deps.incident(id))))
    .filter((i): i is IncidentRecord => i !== undefined)
    .map(incidentSummary);
  const body = evidenceBundle({
    window: { from, to },
    generatedAt: deps.now(),
    generatedBy: deps.by,
    entries,
    trusted: (e) => deps.audit.trusted(e),
    chainVerdict: chain,
    incidents,
    processors,
    retention: retentionOf(deps.config),
    policyVersions: deps.config.privacy.policies.map((p) => p.version),
  });
  const bundle = { ...body, mac: bundleMac(deps.auditKey, body) };
  const dir = values.out ?? join(deps.outDir, `${values.from}_${values.to}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'evidence.json'), `${JSON.stringify(bundle, null, 2)}\n`);
  writeFileSync(join(dir, 'evidence.md'), evidenceMarkdown(bundle));
  await deps.record({
    event: 'compliance.evidence',
    detail: {
      from: values.from,
      to: values.to,
      by: deps.by,
      entries: body.auditTrail.entries,
      mac: bundle.mac.slice(0, 16),
    },
    at: deps.now(),
  });
  deps.print(`evidence for ${values.from}..${values.to}: ${dir}/evidence.json, evidence.md`);
  deps.print(
    `audit trail: ${body.auditTrail.entries} entries (${body.auditTrail.untrusted} untrusted); chain: ${chain}`,
  );
  deps.print(`MAC ${bundle.mac}`);
  return 0;
}
