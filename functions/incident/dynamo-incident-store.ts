import * as z from 'zod/mini';
import { AUDIT_RETENTION_SECONDS } from '../kernel/audit/audit-entry';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import { GRADES, INFORMATION_KINDS, incidentBrief, summaryOf } from './incident';
import type {
  AffectedRow,
  IncidentRecord,
  IncidentStore,
  NoticeInbox,
  NoticeRecord,
  ScopeSaved,
} from './ports';

const bilingual = z.object({ zh: z.string(), en: z.string() });
const kindList = z.array(z.enum(INFORMATION_KINDS));
const causeRow = z.union([
  z.object({ kind: z.literal('client'), clientId: z.string() }),
  z.object({ kind: z.literal('hospital'), hospitalId: z.string() }),
  z.object({ kind: z.literal('event'), event: z.string() }),
]);
const incidentRow = z.object({
  incidentId: attr.text(),
  brief: incidentBrief,
  grade: z.enum(GRADES),
  openedAt: attr.time(),
  discoveredAt: attr.time(),
  openedBy: attr.text(),
  cause: attr.optional(causeRow),
  window: attr.optional(z.object({ from: attr.time(), to: attr.time() })),
  scope: attr.optional(
    z.object({
      people: attr.number(),
      byKind: z.partialRecord(z.enum(INFORMATION_KINDS), z.number()),
      entriesMatched: attr.number(),
      entriesUntrusted: attr.number(),
    }),
  ),
  chainVerdict: attr.optional(attr.text()),
  notifiedAt: attr.optional(attr.time()),
  noticesSent: attr.optional(attr.number()),
  announcement: attr.optional(bilingual),
  smsDoneAt: attr.optional(attr.time()),
  smsSent: attr.optional(attr.number()),
  smsUnreachable: attr.optional(attr.number()),
  reportDraftedAt: attr.optional(attr.time()),
  reportSubmittedAt: attr.optional(attr.time()),
  reportChannel: attr.optional(attr.text()),
  closedAt: attr.optional(attr.time()),
});
const affectedRow = z.object({
  userId: attr.text(),
  kinds: kindList,
  entries: attr.number(),
  noticeAt: attr.optional(attr.time()),
  smsAt: attr.optional(attr.time()),
  smsOutcome: attr.optional(z.enum(['sent', 'unreachable'])),
});
const noticeSection = z.object({ heading: z.string(), text: z.string() });
const noticeTextRow = z.object({ title: z.string(), sections: z.array(noticeSection) });
const noticeRow = z.object({
  noticeId: attr.text(),
  incidentId: attr.text(),
  at: attr.time(),
  kinds: kindList,
  text: z.object({ 'zh-CN': noticeTextRow, en: noticeTextRow }),
});

/** Kept as long as the audit trail that records it: three years (TTL). */
export const INCIDENT_RETENTION_SECONDS = AUDIT_RETENTION_SECONDS;
const keptUntil = (at: number) => Math.floor(at / 1000) + INCIDENT_RETENTION_SECONDS;

function recordOf(row: z.infer<typeof incidentRow>): IncidentRecord {
  const { grade: _grade, ...rest } = row;
  return rest;
}

/**
 * Incidents: `INCIDENT#<id>` holds the record (`INCIDENT`) and one `AFFECTED#<userId>` item per
 * person reached; `OPENINCIDENTS` lists those not closed (one small partition: incidents are
 * rare); a person's notice is `USER#<id>/NOTICE#<time>#<incident>`. Nothing here is sealed: the
 * brief is written to be published, the rest are ids and kind codes.
 */
export class DynamoIncidentStore implements IncidentStore, NoticeInbox {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;

  constructor(table: SealedTable, audit: AuditWriter) {
    this.#table = table;
    this.#audit = audit;
  }

  async #commit(what: string, writes: Write[]): Promise<void> {
    const outcome = await this.#table.commit(writes);
    if (!outcome.ok) throw new Error(`incident ${what} refused: ${outcome.refused.join(', ')}`);
  }

  #isOpen(incidentId: string): Write {
    return this.#table.check('open', keys.incident(incidentId), {
      expression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)',
    });
  }

  async open(record: IncidentRecord, audit: AuditEvent) {
    const t = this.#table;
    await this.#commit('open', [
      await t.put(
        'incident',
        {
          ...keys.incident(record.incidentId),
          ...record,
          grade: record.brief.grade,
          ttl: keptUntil(record.openedAt),
        },
        {},
        conditions.absent,
      ),
      await t.put('index', {
        ...keys.openIncident(record.openedAt, record.incidentId),
        incidentId: record.incidentId,
      }),
      await this.#audit.write(audit),
    ]);
  }

  async get(incidentId: string) {
    const stored = await this.#table.get(keys.incident(incidentId), { consistent: true });
    return stored ? recordOf(parseRow('incident', incidentRow, stored.item)) : undefined;
  }

  async listOpen() {
    const index = await this.#table.queryAll({ pk: keys.openIncidentsPartition, consistent: true });
    const found = await Promise.all(index.map(({ item }) => this.get(String(item.incidentId))));
    return found.filter((i): i is IncidentRecord => i !== undefined && i.closedAt === undefined);
  }

  async saveScope(incidentId: string, saved: ScopeSaved, audit: AuditEvent) {
    const current = await this.get(incidentId);
    if (current?.notifiedAt !== undefined) return 'notified' as const;
    const t = this.#table;
    // A new scope replaces the last: the people it no longer names go first.
    const before = await this.affected(incidentId);
    const now = new Set(saved.scope.affected.map((a) => a.userId));
    await t.deleteMany(
      before.filter((a) => !now.has(a.userId)).map((a) => keys.incidentAffected(incidentId, a.userId)),
    );
    for (let i = 0; i < saved.scope.affected.length; i += 25) {
      await Promise.all(
        saved.scope.affected.slice(i, i + 25).map(async (a) => {
          const outcome = await t.commit([
            await t.put('affected', {
              ...keys.incidentAffected(incidentId, a.userId),
              ...a,
              kinds: [...a.kinds],
              ttl: keptUntil(saved.window.to),
            }),
          ]);
          if (!outcome.ok) throw new Error('affected item refused');
        }),
      );
    }
    await this.#commit('scope', [
      await t.update(
        'incident',
        keys.incident(incidentId),
        {
          set: {
            cause: saved.cause,
            window: saved.window,
            chainVerdict: saved.chainVerdict,
            scope: summaryOf(saved.scope),
          },
        },
        {
          condition: {
            expression:
              'attribute_exists(pk) AND attribute_not_exists(closedAt) AND attribute_not_exists(notifiedAt)',
          },
        },
      ),
      await this.#audit.write(audit),
    ]);
    return 'saved' as const;
  }

  async affected(incidentId: string): Promise<AffectedRow[]> {
    const items = await this.#table.queryAll({
      pk: keys.incidentPartition(incidentId),
      skPrefix: keys.incidentAffectedPrefix,
      consistent: true,
    });
    return items.map(({ item }) => parseRow('incidentAffected', affectedRow, item));
  }

  async notifyOne(incidentId: string, notice: NoticeRecord, userId: string, audit: AuditEvent) {
    const t = this.#table;
    const outcome = await t.commit([
      this.#isOpen(incidentId),
      await t.update(
        'affected',
        keys.incidentAffected(incidentId, userId),
        { set: { noticeAt: notice.at } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(noticeAt)' } },
      ),
      await t.put('notice', {
        ...keys.notice(userId, notice.at, notice.noticeId),
        ...notice,
        kinds: [...notice.kinds],
        ttl: keptUntil(notice.at),
      }),
      await this.#audit.write(audit),
    ]);
    if (outcome.ok) return true;
    if (outcome.refused.includes('affected')) return false;
    throw new Error(`incident notice refused: ${outcome.refused.join(', ')}`);
  }

  async markNotified(
    incidentId: string,
    done: { at: number; noticesSent: number; announcement: { zh: string; en: string } },
    audit: AuditEvent,
  ) {
    const t = this.#table;
    await this.#commit('notified', [
      await t.update(
        'incident',
        keys.incident(incidentId),
        { set: { notifiedAt: done.at, noticesSent: done.noticesSent, announcement: done.announcement } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)' } },
      ),
      await this.#audit.write(audit),
    ]);
  }

  async smsDone(
    incidentId: string,
    userId: string,
    outcome: 'sent' | 'unreachable',
    at: number,
    audit: AuditEvent,
  ) {
    const t = this.#table;
    const result = await t.commit([
      await t.update(
        'affected',
        keys.incidentAffected(incidentId, userId),
        { set: { smsAt: at, smsOutcome: outcome } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(smsOutcome)' } },
      ),
      await this.#audit.write(audit),
    ]);
    return result.ok;
  }

  async finishSms(
    incidentId: string,
    counts: { sent: number; unreachable: number; at: number },
    audit: AuditEvent,
  ) {
    const t = this.#table;
    const result = await t.commit([
      await t.update(
        'incident',
        keys.incident(incidentId),
        { set: { smsDoneAt: counts.at, smsSent: counts.sent, smsUnreachable: counts.unreachable } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(smsDoneAt)' } },
      ),
      await this.#audit.write(audit),
    ]);
    // Refused: another run finished it first.
    void result;
  }

  async reportDrafted(incidentId: string, at: number, audit: AuditEvent) {
    const t = this.#table;
    await this.#commit('report', [
      await t.update(
        'incident',
        keys.incident(incidentId),
        { set: { reportDraftedAt: at } },
        { condition: conditions.present },
      ),
      await this.#audit.write(audit),
    ]);
  }

  async reportSubmitted(incidentId: string, at: number, channel: string, audit: AuditEvent) {
    const t = this.#table;
    await this.#commit('report submitted', [
      await t.update(
        'incident',
        keys.incident(incidentId),
        { set: { reportSubmittedAt: at, reportChannel: channel } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(reportSubmittedAt)' } },
      ),
      await this.#audit.write(audit),
    ]);
  }

  async close(incidentId: string, at: number, audit: AuditEvent) {
    const t = this.#table;
    const current = await this.get(incidentId);
    if (!current) throw new Error(`no incident ${incidentId}`);
    const outcome = await t.commit([
      await t.update(
        'incident',
        keys.incident(incidentId),
        { set: { closedAt: at } },
        { condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)' } },
      ),
      t.delete('index', keys.openIncident(current.openedAt, incidentId)),
      await this.#audit.write(audit),
    ]);
    return outcome.ok ? ('closed' as const) : ('already' as const);
  }

  async list(userId: string): Promise<NoticeRecord[]> {
    const items = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.noticePrefix,
      newestFirst: true,
    });
    return items.map(({ item }) => parseRow('notice', noticeRow, item));
  }
}
