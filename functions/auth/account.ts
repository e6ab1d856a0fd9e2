import { AppError } from '../core/errors';
import { maskPhone } from '../crypto/mask';
import type { Identity } from './authenticate';
import { checkCode, consumeCode } from './check-code';
import type { AuthDeps } from './ports';
import { isSessionLive } from './sessions';

export async function getMe(deps: AuthDeps, identity: Identity) {
  const user = await deps.store.getUser(identity.userId);
  if (!user) throw new AppError('unauthorized');
  return {
    id: user.userId,
    phoneMasked: maskPhone(user.phone),
    realNameVerified: user.realNameVerified,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

/**
 * Moves the account to a new number, proven with a step-up code sent to that number.
 * 1. check the code for the new number (purpose step_up) and use it up;
 * 2. move the phone claim in one transaction (409 if the number has another account);
 * 3. revoke every other session: whoever held the old number's sessions is signed out.
 */
export async function changePhone(
  deps: AuthDeps,
  identity: Identity,
  input: { challengeId: string; phone: string; code: string },
) {
  const user = await deps.store.getUser(identity.userId);
  if (!user) throw new AppError('unauthorized');
  const checked = await checkCode(deps, { ...input, purpose: 'step_up' });
  if (checked.phoneToken === user.phoneToken) {
    await consumeCode(deps, checked);
    return { phoneMasked: maskPhone(user.phone), sessionsRevoked: 0 };
  }
  await consumeCode(deps, checked);
  const outcome = await deps.store.changePhone(user, {
    phoneToken: checked.phoneToken,
    phone: checked.phone.e164,
  });
  if (outcome === 'phone_taken') throw new AppError('phone_taken');

  const now = deps.clock.now().getTime();
  const others = (await deps.store.listSessions(user.userId)).filter(
    (s) => s.familyId !== identity.sessionId && isSessionLive(deps, s, now),
  );
  await Promise.all(others.map((s) => deps.store.revokeSession(user.userId, s.familyId, now)));
  await deps.audit.record(
    {
      event: 'user.phone_changed',
      userId: user.userId,
      sessionId: identity.sessionId,
      detail: { sessionsRevoked: others.length },
    },
    now,
  );
  return { phoneMasked: maskPhone(checked.phone.e164), sessionsRevoked: others.length };
}
