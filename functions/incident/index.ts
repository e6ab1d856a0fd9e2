import { type AuditWriter, readOnly } from '../kernel/audit/ports';
import type { SealedTable } from '../store/sealed-table';
import { DynamoIncidentStore } from './dynamo-incident-store';
import type { NoticeInbox } from './ports';

export type { Cause, IncidentBrief, ReportDraft } from './incident';
export { GRADES, incidentBrief, reportClock, reportMarkdown } from './incident';
export type { DeliveryDeps, IncidentDeps, SystemFacts } from './incidents';
export {
  closeIncident,
  deliverIncidentNotices,
  draftReport,
  IncidentRefused,
  notify,
  openIncident,
  reportSubmitted,
  scope,
} from './incidents';
export type { AuditEntries, IncidentRecord, NoticeInbox, PhoneBook } from './ports';

/** A person's notices, read only (the privacy export). */
export function noticeInbox(table: SealedTable): NoticeInbox {
  return new DynamoIncidentStore(table, readOnly);
}

/** The incident workflow's store, for the operators' command and the privacy jobs. */
export function incidentStore(table: SealedTable, audit: AuditWriter): DynamoIncidentStore {
  return new DynamoIncidentStore(table, audit);
}
