import type { Write } from '../../store/sealed-table';
import type { AuditEvent } from './audit-entry';

export type { AuditEvent } from './audit-entry';

/**
 * Port: the audit trail. An audited change hands its event to the store that makes the change,
 * which writes the entry in the change's own transaction; `record` is for events that change
 * nothing else (a read of someone's data, a refused attempt). Adapter: dynamo-audit-log.ts.
 */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}
/** An audit entry as the person it is about sees it in their export. */
export type AuditView = {
  readonly event: string;
  readonly at: string;
  readonly sessionId?: string;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
};

/** Port: the entries about one person (the sparse `auditByUser` index), newest first. */
export interface AuditReader {
  about(userId: string): Promise<AuditView[]>;
}
/** What stores need of the audit trail: the entry as one more write of their transaction. */
export interface AuditWriter {
  write(event: AuditEvent): Promise<Write>;
}

/** For stores built to read only (the authorizer's sessions): any audited write is a bug. */
export const readOnly: AuditWriter = {
  write: async () => {
    throw new Error('this store was built to read only: it has no audit trail to write to');
  },
};
