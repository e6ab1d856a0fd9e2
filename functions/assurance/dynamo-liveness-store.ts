import * as z from 'zod/mini';
import { livenessProviderNames } from '../core/config';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import type { ConsentEntry } from '../kernel/consent/consents';
import type { LivenessOutcome } from '../providers/liveness/outcomes';
import { outcomeKinds } from '../providers/liveness/outcomes';
import { livenessChannels } from '../providers/liveness/ports';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import {
  conditions,
  type PlainAttributes,
  type SealedTable,
  type StoredItem,
  type Write,
} from '../store/sealed-table';
import type { LivenessCheck, LivenessStore } from './liveness-ports';
import { checkStatuses } from './liveness-ports';

/**
 * Real-person checks in the account's partition (`LIVENESS#<id>`): codes and times in plain, the
 * provider's transaction id (and a counter attestation's staff id) sealed. A pass of the account
 * holder marks its identity (the identity store's write) in the same transaction. A
 * result other than a pass expires after `keepFailedDays`; a pass stays while the account does.
 */
export class DynamoLivenessStore implements LivenessStore {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;
  readonly #consent: (entry: ConsentEntry) => Promise<Write>;
  /** The identity store's write that marks the identity a real person (it owns that item). */
  readonly #realPerson: (userId: string, at: number, method: string) => Promise<Write>;
  readonly #keepFailedSeconds: number;

  constructor(
    table: SealedTable,
    deps: {
      audit: AuditWriter;
      consent: (entry: ConsentEntry) => Promise<Write>;
      realPerson: (userId: string, at: number, method: string) => Promise<Write>;
      keepFailedDays: number;
    },
  ) {
    this.#table = table;
    this.#audit = deps.audit;
    this.#consent = deps.consent;
    this.#realPerson = deps.realPerson;
    this.#keepFailedSeconds = deps.keepFailedDays * 86_400;
  }

  async start(check: LivenessCheck, audit: AuditEvent, guardianConsent?: ConsentEntry): Promise<void> {
    const outcome = await this.#table.commit([
      await this.#table.put(
        'check',
        {
          ...this.#plain(check),
          ttl: Math.floor(check.expiresAt / 1000) + this.#keepFailedSeconds,
        },
        { transactionId: check.transactionId },
        conditions.absent,
      ),
      ...(guardianConsent ? [await this.#consent(guardianConsent)] : []),
      await this.#audit.write(audit),
    ]);
    if (!outcome.ok) throw new Error(`liveness check ${check.checkId} already exists`);
  }

  async get(userId: string, checkId: string): Promise<LivenessCheck | undefined> {
    const stored = await this.#table.get(keys.livenessCheck(userId, checkId));
    return stored ? fromItem(userId, stored) : undefined;
  }

  async finish(
    check: LivenessCheck,
    outcome: LivenessOutcome,
    at: number,
    audit: AuditEvent,
  ): Promise<boolean> {
    const passed = outcome.kind === 'passed';
    const writes = [
      await this.#table.update(
        'check',
        keys.livenessCheck(check.userId, check.checkId),
        {
          set: {
            status: passed ? 'passed' : 'failed',
            result: outcome.kind,
            resultCode: outcome.code,
            billed: outcome.billed,
            completedAt: at,
            ...(outcome.similarity !== undefined ? { similarity: outcome.similarity } : {}),
            ...(passed ? {} : { ttl: Math.floor(at / 1000) + this.#keepFailedSeconds }),
          },
          ...(passed ? { remove: ['ttl'] } : {}),
        },
        {
          condition: {
            expression: '#status IN (:started, :pending)',
            names: { '#status': 'status' },
            values: { ':started': 'started', ':pending': 'pending' },
          },
        },
      ),
      ...(passed && check.subject.kind === 'self'
        ? [await this.#realPerson(check.userId, at, check.provider)]
        : []),
      await this.#audit.write(audit),
    ];
    const committed = await this.#table.commit(writes);
    return committed.ok;
  }

  async attest(check: LivenessCheck, audit: AuditEvent): Promise<void> {
    const writes = [
      await this.#table.put(
        'check',
        { ...this.#plain(check) },
        {
          transactionId: check.transactionId,
          ...(check.attestation ? { staffId: check.attestation.staffId } : {}),
        },
        conditions.absent,
      ),
      ...(check.subject.kind === 'self'
        ? [await this.#realPerson(check.userId, check.completedAt ?? check.createdAt, 'counter')]
        : []),
      await this.#audit.write(audit),
    ];
    const outcome = await this.#table.commit(writes);
    if (!outcome.ok)
      throw new Error(`attestation ${check.checkId} not recorded: ${outcome.refused.join(', ')}`);
  }

  async list(userId: string): Promise<LivenessCheck[]> {
    const items = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.livenessCheckPrefix,
    });
    return items.map((s) => fromItem(userId, s)).sort((a, b) => b.createdAt - a.createdAt);
  }

  #plain(check: LivenessCheck): PlainAttributes {
    return {
      ...keys.livenessCheck(check.userId, check.checkId),
      provider: check.provider,
      channel: check.channel,
      subject: check.subject.kind,
      ...(check.subject.kind === 'card' ? { cardId: check.subject.cardId } : {}),
      status: check.status,
      createdAt: check.createdAt,
      expiresAt: check.expiresAt,
      ...(check.outcome
        ? {
            result: check.outcome.kind,
            resultCode: check.outcome.code,
            billed: check.outcome.billed,
            ...(check.outcome.similarity !== undefined ? { similarity: check.outcome.similarity } : {}),
          }
        : {}),
      ...(check.completedAt !== undefined ? { completedAt: check.completedAt } : {}),
      ...(check.attestation
        ? { hospitalId: check.attestation.hospitalId, documentType: check.attestation.documentType }
        : {}),
    };
  }
}

/** `USER#<id>/LIVENESS#<check>`: the check, its outcome once known, a counter attestation's record. */
const checkRow = z.object({
  sk: attr.text(),
  provider: z.enum([...livenessProviderNames, 'counter']),
  channel: z.enum([...livenessChannels, 'counter']),
  subject: z.optional(z.enum(['self', 'card'])),
  cardId: attr.optional(attr.text()),
  status: z.enum(checkStatuses),
  createdAt: attr.time(),
  expiresAt: attr.time(),
  result: z.optional(z.enum(outcomeKinds)),
  resultCode: attr.optional(attr.text()),
  billed: attr.optional(attr.flag()),
  similarity: attr.optional(attr.number()),
  completedAt: attr.optional(attr.time()),
  hospitalId: attr.optional(attr.text()),
  documentType: attr.optional(attr.text()),
});
const sealedCheck = z.object({
  transactionId: attr.optional(attr.text()),
  staffId: attr.optional(attr.text()),
});

function fromItem(userId: string, stored: StoredItem): LivenessCheck {
  const item = parseRow('livenessCheck', checkRow, stored.item);
  const sealed = parseRow('livenessCheck', sealedCheck, stored.sealed);
  return {
    userId,
    checkId: item.sk.slice(keys.livenessCheckPrefix.length),
    provider: item.provider,
    channel: item.channel,
    subject: item.subject === 'card' ? { kind: 'card', cardId: item.cardId ?? '' } : { kind: 'self' },
    status: item.status,
    createdAt: item.createdAt,
    expiresAt: item.expiresAt,
    transactionId: sealed.transactionId ?? '',
    ...(item.result
      ? {
          outcome: {
            kind: item.result,
            code: item.resultCode ?? '',
            billed: item.billed === true,
            ...(item.similarity !== undefined ? { similarity: item.similarity } : {}),
          },
        }
      : {}),
    ...(item.completedAt !== undefined ? { completedAt: item.completedAt } : {}),
    ...(item.hospitalId
      ? {
          attestation: {
            hospitalId: item.hospitalId,
            documentType: item.documentType ?? '',
            staffId: sealed.staffId ?? '',
          },
        }
      : {}),
  };
}
