import type { AuditEvent } from '../kernel/audit/ports';
import type {
  Affected,
  Bilingual,
  Cause,
  IncidentFacts,
  InformationKind,
  NoticeText,
  Scope,
  StoredEntry,
  Window,
} from './incident';

/** An incident as stored: its facts and who did each step. */
export interface IncidentRecord extends IncidentFacts {
  readonly openedBy: string;
  readonly announcement?: Bilingual | undefined;
  readonly smsDoneAt?: number | undefined;
  readonly reportDraftedAt?: number | undefined;
  readonly reportChannel?: string | undefined;
}

/** What a person finds in their notices inbox: the notice as it was sent, in both languages. */
export interface NoticeRecord {
  readonly noticeId: string;
  readonly incidentId: string;
  readonly at: number;
  readonly kinds: readonly InformationKind[];
  readonly text: { readonly 'zh-CN': NoticeText; readonly en: NoticeText };
}

export interface AffectedRow extends Affected {
  readonly noticeAt?: number | undefined;
  readonly smsAt?: number | undefined;
  readonly smsOutcome?: 'sent' | 'unreachable' | undefined;
}

export interface ScopeSaved {
  readonly cause: Cause;
  readonly window: Window;
  readonly scope: Scope;
  readonly chainVerdict: string;
}

/**
 * Port: incidents, the people each affects, and their notices (adapter: dynamo-incident-store.ts).
 * Every step writes its audit entry in the step's own transaction.
 */
export interface IncidentStore {
  open(record: IncidentRecord, audit: AuditEvent): Promise<void>;
  get(incidentId: string): Promise<IncidentRecord | undefined>;
  /** Incidents not closed, oldest first. */
  listOpen(): Promise<IncidentRecord[]>;
  /** Replaces the affected list (refused once notices went out) and records the scope. */
  saveScope(incidentId: string, saved: ScopeSaved, audit: AuditEvent): Promise<'saved' | 'notified'>;
  affected(incidentId: string): Promise<AffectedRow[]>;
  /** The notice into the person's inbox, once: false when it was there already. */
  notifyOne(incidentId: string, notice: NoticeRecord, userId: string, audit: AuditEvent): Promise<boolean>;
  markNotified(
    incidentId: string,
    done: { at: number; noticesSent: number; announcement: Bilingual },
    audit: AuditEvent,
  ): Promise<void>;
  /** Records an SMS sent (or a person no SMS can reach), once. */
  smsDone(
    incidentId: string,
    userId: string,
    outcome: 'sent' | 'unreachable',
    at: number,
    audit: AuditEvent,
  ): Promise<boolean>;
  finishSms(
    incidentId: string,
    counts: { sent: number; unreachable: number; at: number },
    audit: AuditEvent,
  ): Promise<void>;
  reportDrafted(incidentId: string, at: number, audit: AuditEvent): Promise<void>;
  reportSubmitted(incidentId: string, at: number, channel: string, audit: AuditEvent): Promise<void>;
  close(incidentId: string, at: number, audit: AuditEvent): Promise<'closed' | 'already'>;
}

/** Port: a person's notices, newest first. */
export interface NoticeInbox {
  list(userId: string): Promise<NoticeRecord[]>;
}

/** Port: the audit trail as stored, a day at a time, and whether an entry's MAC verifies. */
export interface AuditEntries {
  entries(day: string): Promise<StoredEntry[]>;
  trusted(entry: StoredEntry): boolean;
  /** The chain's verdict over these days (`intact`, or what is wrong). */
  verify(from: string, to: string, now: number): Promise<string>;
}

/** Port: where a person's notice SMS goes; undefined when the account is gone. */
export interface PhoneBook {
  phoneOf(userId: string): Promise<string | undefined>;
}
