import { daysBetween } from '../audit';
import type { Clock } from '../core/clock';
import type { MetricsSink } from '../core/metrics';
import { type PageQuery, pageOf, timeKey } from '../core/pagination';
import { dayOf } from '../kernel/audit/audit-entry';
import type { SmsSender } from '../providers/sms/ports';
import {
  announcementText,
  type Cause,
  describeCause,
  type IncidentBrief,
  noticeText,
  reportClock,
  reportDraft,
  SUMMARY_WITHIN_MS,
  scopeIncident,
  type Window,
} from './incident';
import type {
  AuditEntries,
  IncidentRecord,
  IncidentStore,
  NoticeInbox,
  NoticeRecord,
  PhoneBook,
} from './ports';

/**
 * The incident workflow's use cases: open, scope, notify, report, close (operators, through
 * `npm run incident`), the SMS each affected person gets and the report clock (the privacy jobs,
 * every minute), and a person's notices inbox (`GET /v1/me/notices`).
 */
export interface IncidentDeps {
  readonly clock: Clock;
  readonly store: IncidentStore;
  readonly newId: () => string;
}

/** An operator's step that cannot be taken (the CLI prints it and exits non-zero). */
export class IncidentRefused extends Error {
  override readonly name = 'IncidentRefused';
}

async function required(deps: IncidentDeps, incidentId: string): Promise<IncidentRecord> {
  const incident = await deps.store.get(incidentId);
  if (!incident) throw new IncidentRefused(`no incident ${incidentId}`);
  if (incident.closedAt !== undefined) throw new IncidentRefused(`incident ${incidentId} is closed`);
  return incident;
}

export async function openIncident(deps: IncidentDeps, brief: IncidentBrief, by: string) {
  const now = deps.clock.now().getTime();
  const discoveredAt = brief.discoveredAt ? Date.parse(brief.discoveredAt) : now;
  if (discoveredAt > now) throw new IncidentRefused('discoveredAt is in the future');
  const record: IncidentRecord = {
    incidentId: `INC-${dayOf(now).replaceAll('-', '')}-${deps.newId().slice(0, 8)}`,
    brief,
    openedAt: now,
    discoveredAt,
    openedBy: by,
  };
  await deps.store.open(record, {
    event: 'incident.opened',
    detail: {
      incidentId: record.incidentId,
      grade: brief.grade,
      by,
      discoveredAt: new Date(discoveredAt).toISOString(),
    },
    at: now,
  });
  return record;
}

/**
 * Who was affected: the audit entries of the window's days that the cause produced, the
 * information kinds each shows, and the chain's verdict over those days (a trail with a gap is
 * weaker evidence, and the report says so).
 */
export async function scope(
  deps: IncidentDeps & { readonly audit: AuditEntries },
  incidentId: string,
  cause: Cause,
  window: Window,
  by: string,
) {
  await required(deps, incidentId);
  const now = deps.clock.now().getTime();
  if (!(window.from < window.to)) throw new IncidentRefused('the window ends before it starts');
  const to = Math.min(window.to, now);
  const days = daysBetween(dayOf(window.from), dayOf(to - 1));
  const entries = (await Promise.all(days.map((d) => deps.audit.entries(d)))).flat();
  const found = scopeIncident(entries, cause, { from: window.from, to }, (e) => deps.audit.trusted(e));
  const chainVerdict = await deps.audit.verify(days[0] ?? dayOf(now), days.at(-1) ?? dayOf(now), now);
  const saved = await deps.store.saveScope(
    incidentId,
    { cause, window: { from: window.from, to }, scope: found, chainVerdict },
    {
      event: 'incident.scoped',
      detail: {
        incidentId,
        cause: describeCause(cause),
        from: new Date(window.from).toISOString(),
        to: new Date(to).toISOString(),
        people: found.affected.length,
        entriesMatched: found.entriesMatched,
        entriesUntrusted: found.entriesUntrusted,
        chain: chainVerdict,
        by,
      },
      at: now,
    },
  );
  if (saved === 'notified')
    throw new IncidentRefused('notices have gone out: the scope of this incident is fixed');
  return { ...found, chainVerdict };
}

/**
 * Each affected person gets the notice in their inbox (their SMS follows from the privacy jobs),
 * once, with an audit entry naming them; the public announcement is written for where telling each
 * person is impractical. Safe to run again: who has it already is skipped.
 */
export async function notify(deps: IncidentDeps, incidentId: string, by: string) {
  const incident = await required(deps, incidentId);
  if (!incident.scope) throw new IncidentRefused('scope the incident before notifying');
  const affected = await deps.store.affected(incidentId);
  let sent = 0;
  const batch = 10;
  for (let i = 0; i < affected.length; i += batch) {
    const outcomes = await Promise.all(
      affected.slice(i, i + batch).map(async (person) => {
        const at = deps.clock.now().getTime();
        const notice: NoticeRecord = {
          noticeId: incidentId,
          incidentId,
          at,
          kinds: person.kinds,
          text: {
            'zh-CN': noticeText(incident.brief, person.kinds, 'zh'),
            en: noticeText(incident.brief, person.kinds, 'en'),
          },
        };
        return deps.store.notifyOne(incidentId, notice, person.userId, {
          event: 'incident.notice',
          userId: person.userId,
          detail: { incidentId, kinds: person.kinds.join(',') },
          at,
        });
      }),
    );
    sent += outcomes.filter(Boolean).length;
  }
  const now = deps.clock.now().getTime();
  const announcement = {
    zh: announcementText(incident.brief, incident.scope, 'zh'),
    en: announcementText(incident.brief, incident.scope, 'en'),
  };
  const noticesSent = affected.length;
  await deps.store.markNotified(
    incidentId,
    { at: incident.notifiedAt ?? now, noticesSent, announcement },
    {
      event: 'incident.notified',
      detail: { incidentId, notices: noticesSent, newNotices: sent, by },
      at: now,
    },
  );
  return { notices: noticesSent, newNotices: sent, announcement };
}

/** What the report's first item says about the system. */
export interface SystemFacts {
  readonly operator: string;
  readonly description: string;
}

export async function draftReport(deps: IncidentDeps, incidentId: string, system: SystemFacts, by: string) {
  const incident = await deps.store.get(incidentId);
  if (!incident) throw new IncidentRefused(`no incident ${incidentId}`);
  const now = deps.clock.now().getTime();
  const draft = reportDraft(incident, system, now);
  await deps.store.reportDrafted(incidentId, now, {
    event: 'incident.report_drafted',
    detail: {
      incidentId,
      clock: draft.clock,
      minutesLeft: draft.minutesLeft,
      pending: draft.items.filter((i) => i.pending).length,
      by,
    },
    at: now,
  });
  return draft;
}

/** The report went to the regulator (through its channel: 12387, its site, mail): the clock stops. */
export async function reportSubmitted(deps: IncidentDeps, incidentId: string, channel: string, by: string) {
  const incident = await required(deps, incidentId);
  const now = deps.clock.now().getTime();
  await deps.store.reportSubmitted(incidentId, now, channel, {
    event: 'incident.report_submitted',
    detail: {
      incidentId,
      channel,
      by,
      minutesAfterDiscovery: Math.round((now - incident.discoveredAt) / 60_000),
    },
    at: now,
  });
  return reportClock({ ...incident, reportSubmittedAt: now }, now);
}

export async function closeIncident(deps: IncidentDeps, incidentId: string, by: string) {
  const incident = await required(deps, incidentId);
  const now = deps.clock.now().getTime();
  const outcome = await deps.store.close(incidentId, now, {
    event: 'incident.closed',
    detail: {
      incidentId,
      by,
      notified: incident.noticesSent ?? 0,
      smsSent: incident.smsSent ?? 0,
      reportSubmitted: incident.reportSubmittedAt !== undefined,
    },
    at: now,
  });
  return { outcome, summaryDueAt: new Date(now + SUMMARY_WITHIN_MS).toISOString() };
}

export interface DeliveryDeps extends IncidentDeps {
  readonly sms: SmsSender;
  readonly phones: PhoneBook;
  readonly metrics: MetricsSink;
}

/**
 * The privacy jobs' minute: each notified person's SMS (a short pointer to the inbox: the notice's
 * text is too long for one message and is not for a lock screen), once; and the report clocks,
 * as metrics the `IncidentReportDue` alarm watches.
 */
export async function deliverIncidentNotices(deps: DeliveryDeps) {
  const open = await deps.store.listOpen();
  let sent = 0;
  let unreachable = 0;
  for (const incident of open) {
    if (incident.notifiedAt === undefined || incident.smsDoneAt !== undefined) continue;
    const people = await deps.store.affected(incident.incidentId);
    // What each person's SMS came to: recorded before, or by this run (one read of the list).
    const outcomes = new Map(people.map((p) => [p.userId, p.smsOutcome]));
    for (const person of people.filter((p) => p.noticeAt !== undefined && p.smsOutcome === undefined)) {
      const phone = await deps.phones.phoneOf(person.userId);
      const at = deps.clock.now().getTime();
      if (phone) await deps.sms.send({ kind: 'notice', notice: 'incident', phone });
      const outcome = phone ? 'sent' : 'unreachable';
      const recorded = await deps.store.smsDone(incident.incidentId, person.userId, outcome, at, {
        event: 'incident.sms',
        userId: person.userId,
        detail: { incidentId: incident.incidentId, outcome },
        at,
      });
      // Not recorded: a parallel run did it first, with the same outcome to count from.
      outcomes.set(person.userId, outcome);
      if (recorded && phone) sent++;
      else if (recorded) unreachable++;
    }
    const all = [...outcomes.values()];
    if (all.every((o) => o !== undefined)) {
      const at = deps.clock.now().getTime();
      const counts = {
        sent: all.filter((o) => o === 'sent').length,
        unreachable: all.filter((o) => o === 'unreachable').length,
        at,
      };
      await deps.store.finishSms(incident.incidentId, counts, {
        event: 'incident.sms_done',
        detail: { incidentId: incident.incidentId, sent: counts.sent, unreachable: counts.unreachable },
        at,
      });
    }
  }
  const now = deps.clock.now().getTime();
  const clocks = open.map((i) => reportClock(i, now));
  const due = clocks.filter((c) => c.state === 'due_soon' || c.state === 'overdue').length;
  // Only while an incident is open: the alarm treats no data as no incident.
  if (open.length > 0) deps.metrics.count('IncidentReportDue', due);
  if (sent > 0) deps.metrics.count('IncidentSmsSent', sent);
  if (unreachable > 0) deps.metrics.count('IncidentSmsUnreachable', unreachable);
  return { openIncidents: open.length, smsSent: sent, smsUnreachable: unreachable, reportsDue: due };
}

/** A person's notices, newest first, as they were sent. */
export async function myNotices(deps: { readonly inbox: NoticeInbox }, userId: string, page?: PageQuery) {
  const chosen = pageOf(
    await deps.inbox.list(userId),
    (n) => `${timeKey(n.at, 'descending')}#${n.noticeId}`,
    page,
  );
  return {
    next: chosen.next,
    notices: chosen.items.map((n) => ({
      noticeId: n.noticeId,
      kind: 'incident' as const,
      at: new Date(n.at).toISOString(),
      kinds: [...n.kinds],
      text: {
        'zh-CN': { ...n.text['zh-CN'], sections: [...n.text['zh-CN'].sections] },
        en: { ...n.text.en, sections: [...n.text.en.sections] },
      },
    })),
  };
}
