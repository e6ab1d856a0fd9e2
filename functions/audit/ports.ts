import type { ChainBlock, ChainHead } from './audit-chain';
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

/** A stored block with the sequence number its key gives it (a moved block disagrees). */
export interface StoredBlock {
  readonly keySeq: number;
  readonly block: ChainBlock;
}

/** Port: the chain's blocks and heads, and a day's entries as stored (adapter: dynamo-audit-chain.ts). */
export interface AuditChainStore {
  head(day: string): Promise<ChainHead | undefined>;
  /**
   * Writes the block and moves the day's head, if the head is still `expected` and the day not
   * closed; with `closing`, also closes that day at that head. False when either has moved.
   */
  append(
    block: ChainBlock,
    expected: ChainHead | undefined,
    closing?: { day: string; head: ChainHead },
  ): Promise<boolean>;
  blocks(day: string): Promise<StoredBlock[]>;
  entries(day: string): Promise<Array<Readonly<Record<string, unknown>>>>;
}
