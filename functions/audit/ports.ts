/** Port: the audit trail every feature writes to. Adapter: dynamo-audit-log.ts. */
export interface AuditEntry {
  readonly event: string;
  readonly userId?: string;
  readonly sessionId?: string;
  /** Non-sensitive detail: codes, counts, a blind-index token at most. */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditLog {
  record(entry: AuditEntry, now: number): Promise<void>;
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
