import type { AuditWriter } from '../kernel/audit/ports';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import type { SealedTable } from '../store/sealed-table';
import { DynamoAccountStore } from './dynamo-account-store';
import { DynamoChallengeStore } from './dynamo-challenge-store';
import { DynamoOAuthStore } from './dynamo-oauth-store';
import { DynamoSessionStore } from './dynamo-session-store';
import type { CodeUse } from './ports';

/**
 * The login feature's stores over one table: challenges, sessions, the consent and OAuth-link
 * writes that registration composes, and accounts, each writing its audit entries into its own
 * transactions. One place builds them, for Lambda, the local runtime, the tests and the bench.
 */
export function authStores(table: SealedTable, audit: AuditWriter) {
  const challenges = new DynamoChallengeStore(table, audit);
  const code = (use: CodeUse) => challenges.consumeWrite(use);
  const sessions = new DynamoSessionStore(table, { audit, code });
  const consents = consentLedger(table, audit);
  const links = new DynamoOAuthStore(table, { audit, code });
  const accounts = new DynamoAccountStore(table, {
    session: (s) => sessions.createWrite(s),
    policyAcceptance: (userId, acceptance, sessionId) =>
      consents.policyAcceptanceWrites(userId, acceptance, sessionId),
    link: (link) => links.linkWrites(link),
    code,
    revokeSession: (userId, familyId, at) => sessions.revokeWrite(userId, familyId, at),
    audit,
  });
  return { challenges, sessions, consents, links, accounts };
}

/** Sessions as the authorizer and the export read them: no writes, no audit trail. */
export function sessionStore(table: SealedTable): DynamoSessionStore {
  return new DynamoSessionStore(table);
}
