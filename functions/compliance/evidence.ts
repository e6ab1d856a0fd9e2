import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Processor } from '../providers/processors';

/**
 * The evidence a personal-information compliance audit asks for (个人信息保护合规审计管理办法,
 * in force 2025-05-01), computed from the audit trail for a window: consents per purpose and
 * version and their withdrawals, rights requests and how long each took, who read whose data
 * (hospital clients, apps, operators), incidents, the entrusted processors and what each receives,
 * retention, and the audit chain's verdict. Counts and ids only: a bundle holds no personal data.
 * A MAC under a key derived from the audit key shows it was not edited after it was made.
 */
export interface EvidenceEntry {
  readonly event?: unknown;
  readonly userId?: unknown;
  readonly at?: unknown;
  readonly detail?: unknown;
}

export interface IncidentSummary {
  readonly incidentId: string;
  readonly grade: string;
  readonly discoveredAt: string;
  readonly people: number | null;
  readonly noticesSent: number;
  readonly smsSent: number;
  readonly reportSubmittedMinutesAfterDiscovery: number | null;
  readonly closedAt: string | null;
}

export interface EvidenceInputs {
  readonly window: { readonly from: number; readonly to: number };
  readonly generatedAt: number;
  readonly generatedBy: string;
  readonly entries: Iterable<EvidenceEntry>;
  readonly trusted: (entry: EvidenceEntry) => boolean;
  readonly chainVerdict: string;
  readonly incidents: readonly IncidentSummary[];
  readonly processors: readonly Processor[];
  readonly retention: ReadonlyArray<{
    readonly record: string;
    readonly days: number;
    readonly basis: string;
  }>;
  readonly policyVersions: readonly string[];
}

const detailOf = (entry: EvidenceEntry): Record<string, unknown> =>
  typeof entry.detail === 'object' && entry.detail !== null ? (entry.detail as Record<string, unknown>) : {};

type Tally = { count: number; people: Set<string> };
const tally = (map: Map<string, Tally>, key: string, userId: unknown) => {
  const t = map.get(key) ?? { count: 0, people: new Set<string>() };
  t.count++;
  if (typeof userId === 'string') t.people.add(userId);
  map.set(key, t);
};
const flat = (map: Map<string, Tally>) =>
  [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, t]) => ({ key, count: t.count, people: t.people.size }));

const DAY_MS = 86_400_000;
const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export function evidenceBundle(inputs: EvidenceInputs) {
  const consents = new Map<string, { accepted: number; withdrawn: number }>();
  const requestsByKind = new Map<string, Tally>();
  const received = new Map<string, number>();
  const responseDays: number[] = [];
  let completed = 0;
  const hospitalReads = new Map<string, Tally>();
  const appGrants = new Map<string, Tally>();
  const ownReads = new Map<string, Tally>();
  const operatorActions = new Map<string, Tally>();
  let read = 0;
  let untrusted = 0;
  for (const entry of inputs.entries) {
    const at = Date.parse(String(entry.at));
    if (!(at >= inputs.window.from && at < inputs.window.to)) continue;
    read++;
    if (!inputs.trusted(entry)) {
      untrusted++;
      continue;
    }
    const detail = detailOf(entry);
    const event = String(entry.event);
    if (event === 'consent.changed' && typeof detail.purpose === 'string') {
      const key = `${detail.purpose}@${String(detail.policyVersion ?? detail.recipient ?? '-')}`;
      const c = consents.get(key) ?? { accepted: 0, withdrawn: 0 };
      if (detail.accepted === false) c.withdrawn++;
      else c.accepted++;
      consents.set(key, c);
    } else if (event === 'privacy.request_received' || event === 'privacy.deletion_requested') {
      tally(requestsByKind, String(detail.kind ?? 'deletion'), entry.userId);
      if (typeof detail.requestId === 'string') received.set(detail.requestId, at);
    } else if (event === 'privacy.request_completed' || event === 'privacy.deletion_completed') {
      completed++;
      const since = typeof detail.requestId === 'string' ? received.get(detail.requestId) : undefined;
      if (since !== undefined) responseDays.push((at - since) / DAY_MS);
    } else if (event === 'hospital.read') {
      tally(hospitalReads, String(detail.clientId), entry.userId);
    } else if (event === 'oidc.code_issued') {
      tally(appGrants, String(detail.clientId), entry.userId);
    } else if (event === 'card.read' || event === 'privacy.export') {
      tally(ownReads, event, entry.userId);
    }
    if (typeof detail.by === 'string') tally(operatorActions, `${event} by ${detail.by}`, entry.userId);
  }
  const body = {
    kind: 'patient-onboarding compliance evidence',
    window: {
      from: new Date(inputs.window.from).toISOString(),
      to: new Date(inputs.window.to).toISOString(),
    },
    generatedAt: new Date(inputs.generatedAt).toISOString(),
    generatedBy: inputs.generatedBy,
    auditTrail: { entries: read, untrusted, chain: inputs.chainVerdict },
    policyVersions: [...inputs.policyVersions],
    consents: [...consents.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, c]) => {
        const [purpose, version] = key.split('@');
        return { purpose, version, ...c };
      }),
    rightsRequests: {
      received: flat(requestsByKind).map(({ key, count }) => ({ kind: key, count })),
      completed,
      responseDays: {
        measured: responseDays.length,
        median: responseDays.length ? round1(median(responseDays) as number) : null,
        max: responseDays.length ? round1(Math.max(...responseDays)) : null,
      },
    },
    access: {
      hospitalReads: flat(hospitalReads).map(({ key, ...t }) => ({ client: key, ...t })),
      appGrants: flat(appGrants).map(({ key, ...t }) => ({ client: key, ...t })),
      byThemselves: flat(ownReads).map(({ key, ...t }) => ({ event: key, ...t })),
      operators: flat(operatorActions).map(({ key, ...t }) => ({ action: key, ...t })),
    },
    incidents: [...inputs.incidents],
    processors: inputs.processors.map((p) => ({
      id: p.id,
      name: p.name,
      role: p.role,
      purpose: p.purpose,
      receives: [...p.receives],
    })),
    retention: [...inputs.retention],
  };
  return body;
}
export type EvidenceBody = ReturnType<typeof evidenceBundle>;

const macKey = (auditKey: Uint8Array) =>
  Buffer.from(hkdfSync('sha256', auditKey, new Uint8Array(0), 'patient-onboarding compliance evidence', 32));

/** HMAC-SHA256 over the bundle's canonical JSON (RFC 8785), `mac` itself left out. */
export function bundleMac(auditKey: Uint8Array, bundle: Readonly<Record<string, unknown>>): string {
  const { mac: _ignored, ...body } = bundle;
  return createHmac('sha256', macKey(auditKey))
    .update(canonicalize(body) ?? '')
    .digest('base64url');
}

export function bundleMacMatches(auditKey: Uint8Array, bundle: Readonly<Record<string, unknown>>): boolean {
  const expected = Buffer.from(bundleMac(auditKey, bundle));
  const actual = Buffer.from(String(bundle.mac ?? ''));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The bundle as an auditor reads it. */
export function evidenceMarkdown(bundle: EvidenceBody & { mac: string }): string {
  const table = (head: string[], rows: Array<Array<string | number | null>>) =>
    rows.length === 0
      ? ['(none)', '']
      : [
          `| ${head.join(' | ')} |`,
          `| ${head.map(() => '---').join(' | ')} |`,
          ...rows.map((r) => `| ${r.map((c) => (c === null ? '—' : String(c))).join(' | ')} |`),
          '',
        ];
  return [
    `# 个人信息保护合规审计证据 / Compliance audit evidence`,
    '',
    `Window ${bundle.window.from} – ${bundle.window.to}; generated ${bundle.generatedAt} by ${bundle.generatedBy}.`,
    `Audit trail: ${bundle.auditTrail.entries} entries, ${bundle.auditTrail.untrusted} with a MAC that does not verify; chain: ${bundle.auditTrail.chain}.`,
    `Policy versions: ${bundle.policyVersions.join(', ')}.`,
    '',
    '## Consents (per purpose and version)',
    '',
    ...table(
      ['purpose', 'version / app', 'given', 'withdrawn'],
      bundle.consents.map((c) => [c.purpose ?? '', c.version ?? '', c.accepted, c.withdrawn]),
    ),
    '## Rights requests',
    '',
    ...table(
      ['kind', 'received'],
      bundle.rightsRequests.received.map((r) => [r.kind, r.count]),
    ),
    `Completed: ${bundle.rightsRequests.completed}; response time (days, where both ends are in the window): median ${bundle.rightsRequests.responseDays.median ?? '—'}, max ${bundle.rightsRequests.responseDays.max ?? '—'} over ${bundle.rightsRequests.responseDays.measured}.`,
    '',
    '## Access to personal information',
    '',
    '### Hospital systems',
    '',
    ...table(
      ['client', 'reads', 'people'],
      bundle.access.hospitalReads.map((r) => [r.client, r.count, r.people]),
    ),
    '### Apps signed in through us (OpenID)',
    '',
    ...table(
      ['client', 'grants', 'people'],
      bundle.access.appGrants.map((r) => [r.client, r.count, r.people]),
    ),
    '### Operators and staff',
    '',
    ...table(
      ['action', 'times', 'people'],
      bundle.access.operators.map((r) => [r.action, r.count, r.people]),
    ),
    '### People reading their own',
    '',
    ...table(
      ['event', 'times', 'people'],
      bundle.access.byThemselves.map((r) => [r.event, r.count, r.people]),
    ),
    '## Incidents',
    '',
    ...table(
      ['incident', 'grade', 'discovered', 'people', 'notices', 'SMS', 'reported (min)', 'closed'],
      bundle.incidents.map((i) => [
        i.incidentId,
        i.grade,
        i.discoveredAt,
        i.people,
        i.noticesSent,
        i.smsSent,
        i.reportSubmittedMinutesAfterDiscovery,
        i.closedAt,
      ]),
    ),
    '## Entrusted processors and recipients (from the code’s registry)',
    '',
    ...table(
      ['processor', 'role', 'purpose', 'receives'],
      bundle.processors.map((p) => [`${p.name.zh} (${p.name.en})`, p.role, p.purpose, p.receives.join('; ')]),
    ),
    '## Retention',
    '',
    ...table(
      ['record', 'days', 'basis'],
      bundle.retention.map((r) => [r.record, r.days, r.basis]),
    ),
    `MAC (HMAC-SHA256, key derived from the audit key, over the canonical JSON of evidence.json): \`${bundle.mac}\``,
    '',
  ].join('\n');
}
