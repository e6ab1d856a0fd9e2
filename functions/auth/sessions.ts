import { AppError } from '../core/errors';
import { maskPhone } from '../crypto/mask';
import { newId, sha256 } from './ids';
import type { AuthDeps, PolicyAcceptance, SessionRecord, UserRecord } from './ports';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

export interface ClientInfo {
  /** For limits only; sessions and consents keep the prefix, never the address. */
  readonly sourceIp: string;
  readonly ipPrefix: string;
  readonly userAgent: string;
}

/**
 * Refresh tokens are `<userId>.<sessionId>.<secret>`: the ids say where the session lives, the
 * 256-bit secret is the credential. Only a SHA-256 of the whole token is stored.
 */
function newRefreshToken(deps: AuthDeps, userId: string, familyId: string): string {
  return `${userId}.${familyId}.${Buffer.from(deps.random.bytes(32)).toString('base64url')}`;
}

function parseRefreshToken(token: string): { userId: string; familyId: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[\w-]{16,64}$/.test(p))) return undefined;
  return { userId: parts[0] as string, familyId: parts[1] as string };
}

/** A new session (refresh-token family) for a user; nothing is stored. */
export function newSession(
  deps: AuthDeps,
  userId: string,
  amr: readonly string[],
  client: ClientInfo,
): { session: SessionRecord; refreshToken: string } {
  const now = deps.clock.now().getTime();
  const familyId = newId(deps.random);
  const refreshToken = newRefreshToken(deps, userId, familyId);
  return {
    refreshToken,
    session: {
      userId,
      familyId,
      currentHash: sha256(refreshToken),
      rotatedAt: now,
      createdAt: now,
      lastUsedAt: now,
      absoluteExpiresAt: now + deps.config.tokens.refreshAbsoluteSeconds * 1000,
      amr,
      ipPrefix: client.ipPrefix,
      userAgent: client.userAgent.slice(0, 256),
    },
  };
}

/**
 * The records of a new account: user, the consent to the current policy that registration
 * requires (version, purposes, time, IP prefix, user agent) and its first session.
 */
export function newAccount(
  deps: AuthDeps,
  phone: { phoneToken: string; e164: string },
  amr: readonly string[],
  client: ClientInfo,
): { user: UserRecord; acceptance: PolicyAcceptance; session: SessionRecord; refreshToken: string } {
  const now = deps.clock.now().getTime();
  const { policy } = deps.config;
  const user: UserRecord = {
    userId: newId(deps.random),
    phoneToken: phone.phoneToken,
    phone: phone.e164,
    createdAt: now,
    realNameVerified: false,
  };
  const acceptance: PolicyAcceptance = {
    policyVersion: policy.version,
    purposes: policy.purposes,
    at: now,
    ipPrefix: client.ipPrefix,
    userAgent: client.userAgent.slice(0, 256),
  };
  return { user, acceptance, ...newSession(deps, user.userId, amr, client) };
}

/** Signs the access token for a session: ES256, 15 minutes, `kid` in the header. */
export async function tokenPair(
  deps: AuthDeps,
  session: SessionRecord,
  refreshToken: string,
): Promise<TokenPair> {
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  const { tokens } = deps.config;
  const accessToken = await deps.signer.sign({
    iss: tokens.issuer,
    aud: tokens.audience,
    sub: session.userId,
    sid: session.familyId,
    amr: session.amr,
    iat: now,
    nbf: now,
    exp: now + tokens.accessTtlSeconds,
    jti: newId(deps.random),
  });
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: tokens.accessTtlSeconds };
}

export function userView(user: UserRecord, isNew: boolean) {
  return {
    id: user.userId,
    isNew,
    phoneMasked: maskPhone(user.phone),
    realNameVerified: user.realNameVerified,
  };
}

function isLive(deps: Pick<AuthDeps, 'config'>, session: SessionRecord, now: number): boolean {
  return (
    session.revokedAt === undefined &&
    now < session.absoluteExpiresAt &&
    now < session.lastUsedAt + deps.config.tokens.refreshIdleSeconds * 1000
  );
}

/**
 * Rotates a refresh token.
 * 1. find the session the token names; it must be live (not revoked, within 7 days idle and 30 absolute);
 * 2. the current token rotates: a new one replaces it and it becomes the previous;
 * 3. the previous token within 10 s of its rotation (a lost response) rotates the current one again;
 * 4. anything else is reuse of a stolen or stale token: the whole session is revoked.
 */
export async function refreshSession(deps: AuthDeps, refreshToken: string): Promise<TokenPair> {
  const ids = parseRefreshToken(refreshToken);
  if (!ids) throw new AppError('refresh_token_invalid');
  const now = deps.clock.now().getTime();
  const presented = sha256(refreshToken);

  for (let attempt = 0; attempt < 3; attempt++) {
    const session = await deps.sessions.getSession(ids.userId, ids.familyId);
    if (!session || !isLive(deps, session, now)) throw new AppError('refresh_token_invalid');

    const next = newRefreshToken(deps, ids.userId, ids.familyId);
    let rotated: boolean;
    if (presented === session.currentHash) {
      rotated = await deps.sessions.rotateSession(session, presented, {
        hash: sha256(next),
        now,
        keepPrevious: true,
      });
    } else if (
      presented === session.previousHash &&
      now - session.rotatedAt <= deps.config.tokens.reuseGraceSeconds * 1000
    ) {
      rotated = await deps.sessions.rotateSession(session, session.currentHash, {
        hash: sha256(next),
        now,
        keepPrevious: false,
      });
    } else {
      await deps.sessions.revokeSession(ids.userId, ids.familyId, {
        event: 'session.reuse_revoked',
        userId: ids.userId,
        sessionId: ids.familyId,
        at: now,
      });
      throw new AppError('refresh_token_reused');
    }
    if (rotated) return tokenPair(deps, { ...session, amr: session.amr }, next);
    // Another refresh of this session won the race; look again (our token may now be the previous).
  }
  throw new AppError('refresh_token_invalid');
}

export async function revokeSession(
  deps: AuthDeps,
  userId: string,
  familyId: string,
  reason: 'logout' | 'user' | 'phone_changed',
): Promise<void> {
  const now = deps.clock.now().getTime();
  const session = await deps.sessions.getSession(userId, familyId);
  if (!session || session.revokedAt !== undefined) throw new AppError('session_not_found');
  const revoked = await deps.sessions.revokeSession(userId, familyId, {
    event: 'session.revoked',
    userId,
    sessionId: familyId,
    detail: { reason },
    at: now,
  });
  if (!revoked) throw new AppError('session_not_found');
}

export async function listSessions(deps: AuthDeps, userId: string, currentSessionId: string) {
  const now = deps.clock.now().getTime();
  const sessions = await deps.sessions.listSessions(userId);
  return sessions
    .filter((s) => isLive(deps, s, now))
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
    .map((s) => ({
      id: s.familyId,
      current: s.familyId === currentSessionId,
      createdAt: new Date(s.createdAt).toISOString(),
      lastUsedAt: new Date(s.lastUsedAt).toISOString(),
      amr: [...s.amr],
      ipPrefix: s.ipPrefix,
      userAgent: s.userAgent,
    }));
}

export { isLive as isSessionLive };
