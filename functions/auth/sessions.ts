import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';
import { type PageQuery, pageOf, timeKey } from '../core/pagination';
import { maskPhone } from '../crypto/mask';
import type { ClientInfo } from '../kernel/client-info';
import type { PolicyAcceptance } from '../kernel/consent/consents';
import { newId, sha256 } from '../kernel/ids';
import type { AuthDeps, SessionRecord, UserRecord } from './ports';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/**
 * Refresh tokens are `<userId>.<sessionId>.<secret>`: the ids say where the session lives, the
 * secret is the credential. Only a SHA-256 of the whole token is stored. The secret is a 192-bit
 * nonce and a 128-bit tag over it (HMAC under a key derived from the OTP pepper), so a token we
 * never issued is told apart from a real one replayed: only a replay revokes the session, and a
 * made-up secret for a known user and session id changes nothing.
 */
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/** Derived once per pepper (a cold start), not on every refresh. */
const refreshKeys = new WeakMap<Uint8Array, Uint8Array>();

function refreshKey(deps: Pick<AuthDeps, 'otpPepper'>): Uint8Array {
  let key = refreshKeys.get(deps.otpPepper);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', deps.otpPepper, 'patient-onboarding', 'refresh-token-v1', 32));
    refreshKeys.set(deps.otpPepper, key);
  }
  return key;
}

function tag(key: Uint8Array, userId: string, familyId: string, nonce: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(`tag|${userId}|${familyId}|`)
    .update(nonce)
    .digest()
    .subarray(0, TAG_BYTES);
}

function tokenWith(key: Uint8Array, userId: string, familyId: string, nonce: Uint8Array): string {
  const secret = Buffer.concat([nonce, tag(key, userId, familyId, nonce)]).toString('base64url');
  return `${userId}.${familyId}.${secret}`;
}

function newRefreshToken(deps: AuthDeps, userId: string, familyId: string): string {
  return tokenWith(refreshKey(deps), userId, familyId, deps.random.bytes(NONCE_BYTES));
}

/**
 * The token that replaces `presented`: derived from it (keyed, with the session's own salt), so a
 * replay of the previous token inside the grace period gets the very successor the first request
 * got. Two tabs, or a retry after a lost response, then hold the same token instead of one of
 * them later looking like a thief.
 */
function successorOf(deps: AuthDeps, session: SessionRecord, presented: string): string {
  const key = refreshKey(deps);
  const nonce = createHmac('sha256', key)
    .update(`next|${session.chainSalt ?? session.familyId}|${presented}`)
    .digest()
    .subarray(0, NONCE_BYTES);
  return tokenWith(key, session.userId, session.familyId, nonce);
}

/** Whether we issued this token (its tag is ours); tokens from before tags were added are not. */
function issuedByUs(deps: AuthDeps, token: string, ids: { userId: string; familyId: string }): boolean {
  const secret = Buffer.from(token.split('.')[2] ?? '', 'base64url');
  if (secret.length !== NONCE_BYTES + TAG_BYTES) return false;
  const expected = tag(refreshKey(deps), ids.userId, ids.familyId, secret.subarray(0, NONCE_BYTES));
  return timingSafeEqual(expected, secret.subarray(NONCE_BYTES));
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
      chainSalt: newId(deps.random),
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
 * 2. the current token rotates: its successor replaces it and it becomes the previous;
 * 3. the previous token within 10 s of its rotation (parallel tabs, a lost response) gets the same
 *    successor again, with nothing written;
 * 4. any other token we issued is a replay of a stolen or stale token: the session is revoked;
 * 5. a token we never issued (a made-up secret for a known session) is refused and changes nothing.
 */
export async function refreshSession(deps: AuthDeps, refreshToken: string): Promise<TokenPair> {
  const ids = parseRefreshToken(refreshToken);
  if (!ids) throw new AppError('refresh_token_invalid');
  const now = deps.clock.now().getTime();
  const presented = sha256(refreshToken);

  for (let attempt = 0; attempt < 3; attempt++) {
    const session = await deps.sessions.getSession(ids.userId, ids.familyId);
    if (!session || !isLive(deps, session, now)) throw new AppError('refresh_token_invalid');

    if (presented === session.currentHash) {
      const next = successorOf(deps, session, refreshToken);
      const rotated = await deps.sessions.rotateSession(session, presented, { hash: sha256(next), now });
      if (rotated) return tokenPair(deps, session, next);
      // Another refresh of this token won the race: look again (ours is now the previous).
      continue;
    }
    if (
      presented === session.previousHash &&
      now - session.rotatedAt <= deps.config.tokens.reuseGraceSeconds * 1000
    ) {
      const next = successorOf(deps, session, refreshToken);
      if (sha256(next) === session.currentHash) return tokenPair(deps, session, next);
    }
    if (!issuedByUs(deps, refreshToken, ids)) throw new AppError('refresh_token_invalid');
    await deps.sessions.revokeSession(ids.userId, ids.familyId, {
      event: 'session.reuse_revoked',
      userId: ids.userId,
      sessionId: ids.familyId,
      at: now,
    });
    throw new AppError('refresh_token_reused');
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

/** The live sessions, newest sign-in first, a page at a time. */
export async function listSessions(
  deps: AuthDeps,
  userId: string,
  currentSessionId: string,
  page?: PageQuery,
) {
  const now = deps.clock.now().getTime();
  const sessions = await deps.sessions.listSessions(userId);
  const chosen = pageOf(
    sessions.filter((s) => isLive(deps, s, now)),
    (s) => `${timeKey(s.createdAt, 'descending')}#${s.familyId}`,
    page,
  );
  return {
    next: chosen.next,
    sessions: chosen.items.map((s) => ({
      id: s.familyId,
      current: s.familyId === currentSessionId,
      createdAt: new Date(s.createdAt).toISOString(),
      lastUsedAt: new Date(s.lastUsedAt).toISOString(),
      amr: [...s.amr],
      ipPrefix: s.ipPrefix,
      userAgent: s.userAgent,
    })),
  };
}

export { isLive as isSessionLive };
