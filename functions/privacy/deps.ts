import { livenessStore } from '../assurance';
import { authStores, sessionStore } from '../auth';
import { accountStore, authDeps, oauthStore } from '../auth/deps';
import { cardStore } from '../cards';
import { identityStore } from '../identity';
import { noticeInbox } from '../incident';
import { type AuditWriter, readOnly } from '../kernel/audit/ports';
import type { ConsentDeps } from '../kernel/consent/consents';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import { newId } from '../kernel/ids';
import { auditLog, edge, plainTable, platform, rateLimiter, sealedTable } from '../platform/deps';
import { once } from '../platform/runtime';
import type { SealedTable } from '../store/sealed-table';
import { DynamoRightsRequestStore } from './dynamo-rights-request-store';
import type { ExportDeps } from './export-data';
import type { RightsRequestDeps } from './rights-requests';

/** Rights requests, with the audit trail and the codes that prove a contact number or step up. */
export function requestStore(table: SealedTable, audit: AuditWriter): DynamoRightsRequestStore {
  const { challenges } = authStores(table, audit);
  return new DynamoRightsRequestStore(table, {
    audit,
    code: (use, options) => challenges.consumeWrite(use, options),
  });
}

/** The privacy feature's composition root (group `privacy`): consent, export, rights requests. */
export async function policyDeps() {
  return { edge: edge() };
}

export async function consentDeps(): Promise<{ edge: ReturnType<typeof edge>; consents: ConsentDeps }> {
  const consents = await once<Promise<ConsentDeps>>('consentDeps', async () => ({
    config: platform().config.privacy,
    clock: platform().clock,
    store: consentLedger(plainTable(), await auditLog()),
  }));
  return { edge: edge(), consents };
}

export async function exportDeps(): Promise<{ edge: ReturnType<typeof edge>; privacyExport: ExportDeps }> {
  const privacyExport = await once<Promise<ExportDeps>>('exportDeps', async () => {
    const [table, audit, links, accounts] = await Promise.all([
      sealedTable(),
      auditLog(),
      oauthStore(),
      accountStore(),
    ]);
    const consents = consentLedger(plainTable());
    return {
      clock: platform().clock,
      accounts,
      identities: identityStore(table),
      links,
      sessions: sessionStore(plainTable()),
      cards: cardStore(table),
      realPersonChecks: livenessStore(table, readOnly, platform().config.identity.liveness.keepFailedDays),
      consents,
      requests: requestStore(table, audit),
      notices: noticeInbox(plainTable()),
      audit,
    };
  });
  return { edge: edge(), privacyExport };
}

export function rightsRequestDeps(): Promise<RightsRequestDeps> {
  return once<Promise<RightsRequestDeps>>('rightsRequestDeps', async () => {
    const { config, clock, random } = platform();
    const [table, audit, auth, links] = await Promise.all([
      sealedTable(),
      auditLog(),
      authDeps(),
      oauthStore(),
    ]);
    const identities = identityStore(table);
    return {
      config: config.privacy,
      clock,
      requests: requestStore(table, audit),
      audit,
      limiter: rateLimiter(),
      auth,
      links,
      identityClaim: async (userId) => (await identities.verifiedIdentity(userId))?.idNumberToken,
      newId: () => newId(random),
    };
  });
}

export async function requestsDeps(): Promise<{
  edge: ReturnType<typeof edge>;
  rightsRequests: RightsRequestDeps;
}> {
  return { edge: edge(), rightsRequests: await rightsRequestDeps() };
}
