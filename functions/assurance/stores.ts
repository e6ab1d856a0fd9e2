import { identityStore } from '../identity';
import type { AuditWriter } from '../kernel/audit/ports';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import type { SealedTable } from '../store/sealed-table';
import { DynamoAttestationCodeStore } from './dynamo-attestation-code-store';
import { DynamoLivenessStore } from './dynamo-liveness-store';

/**
 * The store as every composition root builds it: guardian consents written by the consent store,
 * the real-person mark by the identity store (each item kind has one owner).
 */
export function livenessStore(
  table: SealedTable,
  audit: AuditWriter,
  keepFailedDays: number,
): DynamoLivenessStore {
  const consents = consentLedger(table);
  const identities = identityStore(table, audit);
  return new DynamoLivenessStore(table, {
    audit,
    consent: (entry) => consents.entryWrite(entry),
    realPerson: (userId, at, method) => identities.realPersonWrite(userId, at, method),
    keepFailedDays,
  });
}

/** Counter attestation codes, stored by keyed hash. */
export function attestationCodeStore(table: SealedTable): DynamoAttestationCodeStore {
  return new DynamoAttestationCodeStore(table);
}
