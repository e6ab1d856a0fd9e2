import type { LivenessStore } from '../assurance';
import type { AccountStore, OAuthStore, SessionStore } from '../auth';
import type { CardStore } from '../cards';
import { cardDetail } from '../cards';
import type { Identity } from '../core/authorizer-context';
import type { Clock } from '../core/clock';
import type { IdentityStore } from '../identity';
import type { NoticeInbox } from '../incident';
import type { AuditLog, AuditReader } from '../kernel/audit/ports';
import { type ConsentStore, consentView } from '../kernel/consent/consents';
import { type RightsRequestStore, requestView } from './rights-requests';

export interface ExportDeps {
  readonly clock: Clock;
  readonly accounts: Pick<AccountStore, 'getUser'>;
  readonly identities: Pick<IdentityStore, 'verifiedIdentity'>;
  readonly links: Pick<OAuthStore, 'listLinks'>;
  readonly sessions: Pick<SessionStore, 'listSessions'>;
  readonly cards: Pick<CardStore, 'list'>;
  readonly realPersonChecks: Pick<LivenessStore, 'list'>;
  readonly consents: Pick<ConsentStore, 'history'>;
  readonly requests: Pick<RightsRequestStore, 'listForUser'>;
  readonly notices: NoticeInbox;
  readonly audit: AuditLog & AuditReader;
}

const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

/**
 * PIPL art. 45 (access and copy): one document with everything held about the person, unmasked
 * for them: profile, verified identity, cards, linked logins, sessions, consent history, and the
 * audit trail of who did what with their data (hospitals' reads included). The export is audited.
 */
export async function exportMyData(deps: ExportDeps, who: Identity) {
  const [user, identity, cards, checks, links, sessions, consents, requests, notices, audit] =
    await Promise.all([
      deps.accounts.getUser(who.userId),
      deps.identities.verifiedIdentity(who.userId),
      deps.cards.list(who.userId),
      deps.realPersonChecks.list(who.userId),
      deps.links.listLinks(who.userId),
      deps.sessions.listSessions(who.userId),
      deps.consents.history(who.userId),
      deps.requests.listForUser(who.userId),
      deps.notices.list(who.userId),
      deps.audit.about(who.userId),
    ]);
  const now = deps.clock.now();
  await deps.audit.record({
    event: 'privacy.export',
    userId: who.userId,
    sessionId: who.sessionId,
    at: now.getTime(),
  });
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
          name: identity.name,
          idType: identity.idType,
          idNumber: identity.idNumber,
          birthDate: identity.birthDate ?? null,
          verifiedAt: iso(identity.verifiedAt),
          provider: identity.provider,
          assurance: identity.assurance.level,
          realPersonAt: identity.assurance.level === 'real_person' ? iso(identity.assurance.at) : null,
          realPersonMethod:
            identity.assurance.level === 'real_person' ? (identity.assurance.method ?? null) : null,
        }
      : null,
    cards: cards.map(cardDetail),
    // Outcomes only: no image, video or face template is ever kept (nor the provider's transaction id).
    realPersonChecks: checks.map((c) => ({
      livenessId: c.checkId,
      provider: c.provider,
      channel: c.channel,
      subject: c.subject.kind === 'self' ? 'self' : `card:${c.subject.cardId}`,
      status: c.status,
      result: c.outcome?.kind ?? null,
      code: c.outcome?.code ?? null,
      similarity: c.outcome?.similarity ?? null,
      startedAt: iso(c.createdAt),
      completedAt: iso(c.completedAt),
      ...(c.attestation
        ? { attestedBy: { hospitalId: c.attestation.hospitalId, documentType: c.attestation.documentType } }
        : {}),
    })),
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
    notices: notices.map((n) => ({ ...n, at: new Date(n.at).toISOString() })),
    audit,
  };
}
