import type { Identity } from '../core/authorizer-context';
import { AppError } from '../core/errors';
import { maskPhone } from '../crypto/mask';
import { type CodeCaller, checkCode, codeUse } from './check-code';
import type { AuthDeps, UserRecord } from './ports';
import { isSessionLive } from './sessions';

export async function getMe(deps: AuthDeps, identity: Identity) {
  const [user, recovery] = await Promise.all([
    deps.accounts.getUser(identity.userId),
    deps.accounts.getPhoneRecovery(identity.userId),
  ]);
  if (!user) throw new AppError('unauthorized');
  return {
    id: user.userId,
    phoneMasked: maskPhone(user.phone),
    realNameVerified: user.realNameVerified,
    createdAt: new Date(user.createdAt).toISOString(),
    // Every session sees a pending move to another number, so the owner can cancel one they did not ask for.
    phoneRecovery: recovery
      ? { dueAt: new Date(recovery.dueAt).toISOString(), phoneMasked: maskPhone(recovery.phone) }
      : null,
  };
}

export interface ChangePhoneInput {
  /** A step-up code sent to the account's current number: proof of holding it. */
  readonly currentPhone: { readonly challengeId: string; readonly code: string };
  /** A step-up code sent to the new number: proof of holding that one. */
  readonly newPhone: { readonly challengeId: string; readonly phone: string; readonly code: string };
}

/**
 * Moves the account to a new number. An access token alone is not enough (a stolen one would take
 * the account for good): both numbers prove themselves with a step-up code.
 * 1. check the current number's code, then the new number's (both purpose step_up);
 * 2. move the phone claim, use both codes up and audit, in one transaction (409 if the number
 *    has another account);
 * 3. revoke every other session (each with its own audit entry).
 */
export async function changePhone(
  deps: AuthDeps,
  identity: Identity,
  input: ChangePhoneInput,
  caller: CodeCaller,
) {
  const user = await deps.accounts.getUser(identity.userId);
  if (!user) throw new AppError('unauthorized');
  const current = await checkCode(
    deps,
    { ...input.currentPhone, phone: user.phone, purpose: 'step_up' },
    caller,
  );
  const next = await checkCode(deps, { ...input.newPhone, purpose: 'step_up' }, caller);
  if (next.phoneToken === user.phoneToken) throw new AppError('phone_unchanged');
  const outcome = await deps.accounts.changePhone(
    user,
    { phoneToken: next.phoneToken, phone: next.phone.e164 },
    {
      codes: [codeUse(deps, current), codeUse(deps, next)],
      audit: {
        event: 'user.phone_changed',
        userId: user.userId,
        sessionId: identity.sessionId,
        detail: { proof: 'both_numbers' },
        at: deps.clock.now().getTime(),
      },
    },
  );
  if (outcome === 'code_used') throw new AppError('otp_invalid');
  if (outcome !== 'changed') throw new AppError('phone_taken');
  const revoked = await revokeOtherSessions(deps, user, identity.sessionId);
  return { phoneMasked: maskPhone(next.phone.e164), sessionsRevoked: revoked };
}

/** Signs out every live session of the account but `keep`, each audited; returns how many. */
export async function revokeOtherSessions(
  deps: AuthDeps,
  user: UserRecord,
  keep: string,
  reason: 'phone_changed' | 'privacy_request' = 'phone_changed',
): Promise<number> {
  const now = deps.clock.now().getTime();
  const others = (await deps.sessions.listSessions(user.userId)).filter(
    (s) => s.familyId !== keep && isSessionLive(deps, s, now),
  );
  await Promise.all(
    others.map((s) =>
      deps.sessions.revokeSession(user.userId, s.familyId, {
        event: 'session.revoked',
        userId: user.userId,
        sessionId: s.familyId,
        detail: { reason },
        at: now,
      }),
    ),
  );
  return others.length;
}
