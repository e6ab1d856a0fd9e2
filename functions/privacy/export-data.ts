import { marshall } from '@aws-sdk/util-dynamodb';
import type { Identity } from '../auth/authenticate';
import type { AuditLog, AuthStore } from '../auth/ports';
import { cardDetail } from '../cards/card-service';
import type { CardStore } from '../cards/ports';
import type { Clock } from '../core/clock';
import { queryAll } from '../store/query-all';
import type { SealedTable } from '../store/sealed-table';
import { type ConsentStore, consentView } from './consents';
import { type RightsRequestStore, requestView } from './rights-requests';

export interface ExportDeps {
  readonly clock: Clock;
  readonly table: SealedTable;
  readonly auth: Pick<AuthStore, 'getUser' | 'listLinks' | 'listSessions'>;
  readonly cards: Pick<CardStore, 'list'>;
  readonly consents: Pick<ConsentStore, 'history'>;
  readonly requests: Pick<RightsRequestStore, 'listForUser'>;
  readonly audit: AuditLog;
}

const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

/** Audit entries about the person, newest first (the sparse `auditByUser` index). */
async function auditAbout(table: SealedTable, userId: string) {
  const items = await queryAll(table.client, {
    TableName: table.tableName,
    IndexName: 'auditByUser',
    KeyConditionExpression: 'auditUser = :u',
    ExpressionAttributeValues: marshall({ ':u': `USER#${userId}` }),
    ScanIndexForward: false,
  });
  return items.map(({ event, at, detail, sessionId }) => ({
    event,
    at,
    ...(sessionId ? { sessionId } : {}),
    ...(detail ? { detail } : {}),
  }));
}

/**
 * PIPL art. 45 (access and copy): one document with everything held about the person, unmasked
 * for them: profile, verified identity, cards, linked logins, sessions, consent history, and the
 * audit trail of who did what with their data (hospitals' reads included). The export is audited.
 */
export async function exportMyData(deps: ExportDeps, who: Identity) {
  const [user, identity, cards, links, sessions, consents, requests, audit] = await Promise.all([
    deps.auth.getUser(who.userId),
    deps.table.get<{ name: string; idNumber: string; birthDate: string }>({
      pk: `USER#${who.userId}`,
      sk: 'IDENTITY',
    }),
    deps.cards.list(who.userId),
    deps.auth.listLinks(who.userId),
    deps.auth.listSessions(who.userId),
    deps.consents.history(who.userId),
    deps.requests.listForUser(who.userId),
    auditAbout(deps.table, who.userId),
  ]);
  const now = deps.clock.now();
  await deps.audit.record(
    { event: 'privacy.export', userId: who.userId, sessionId: who.sessionId },
    now.getTime(),
  );
  return {
    exportedAt: now.toISOString(),
    profile: user
      ? {
          id: user.userId,
          phone: user.phone,
          createdAt: iso(user.createdAt),
          realNameVerified: user.realNameVerified,
        }
      : null,
    identity: identity
      ? {
          name: identity.sealed.name,
          idType: identity.item.idType,
          idNumber: identity.sealed.idNumber,
          birthDate: identity.sealed.birthDate ?? null,
          verifiedAt: iso(identity.item.verifiedAt),
          provider: identity.item.provider,
        }
      : null,
    cards: cards.map(cardDetail),
    linkedLogins: links.map((l) => ({
      provider: l.provider,
      linkedAt: iso(l.linkedAt),
      nickname: l.nickname ?? null,
      avatarUrl: l.avatarUrl ?? null,
    })),
    sessions: sessions.map((s) => ({
      id: s.familyId,
      createdAt: iso(s.createdAt),
      lastUsedAt: iso(s.lastUsedAt),
      revokedAt: iso(s.revokedAt),
      amr: [...s.amr],
      ipPrefix: s.ipPrefix,
      userAgent: s.userAgent,
    })),
    consents: consents.sort((a, b) => a.at - b.at).map(consentView),
    requests: requests.sort((a, b) => a.receivedAt - b.receivedAt).map(requestView),
    audit,
  };
}
