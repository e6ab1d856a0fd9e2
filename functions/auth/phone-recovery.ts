import type { Identity } from '../core/authorizer-context';
import { AppError } from '../core/errors';
import { maskPhone } from '../crypto/mask';
import { newId } from '../kernel/ids';
import { type IdType, parseIdNumber } from '../kernel/person/id-number';
import { normalisePersonName } from '../kernel/person/person-name';
import { rateScopes } from '../store/keys';
import { revokeOtherSessions } from './account';
import { type CodeCaller, checkCode, consumeCode } from './check-code';
import type { AuthDeps } from './ports';

export interface PhoneRecoveryDeps {
  readonly auth: AuthDeps;
  /** The account's verified identity: its ID-number claim (blind index) and the verified name. */
  verifiedIdentity(userId: string): Promise<{ idNumberToken: string; name: string } | undefined>;
  /** Blind index of a normalised ID number, as the verified identity's claim holds it. */
  idNumberToken(idNumber: string): string;
  /** Real-name attempts per account per day: a recovery attempt is one. */
  readonly attemptsPerDay: number;
}

export interface StartRecoveryInput {
  readonly name: string;
  readonly idType: IdType;
  readonly idNumber: string;
  /** A step-up code sent to the new number. */
  readonly newPhone: { readonly challengeId: string; readonly phone: string; readonly code: string };
  /**
   * A step-up code to the account's current number: only needed while a cancelled recovery bars
   * new ones (the owner who still has the number may start one at once).
   */
  readonly currentPhone?: { readonly challengeId: string; readonly code: string } | undefined;
}

/** A cancelled recovery bars new ones this long: whoever asked must not simply ask again. */
const BLOCK_AFTER_CANCEL_SECONDS = 7 * 86_400;

/**
 * For someone who lost the account's number: a move to a new number that waits.
 * 1. the account must be real-name verified (without it, nothing proves who the person is: a
 *    rights request `cannot_log_in` reaches our staff instead);
 * 2. the attempt counts against the account's daily real-name attempts, before anything is compared;
 * 3. the name and ID number must be the verified identity's (the provider already matched exactly
 *    this pair; a mismatch answers as real-name verification does);
 * 4. the new number proves itself with a step-up code;
 * 5. the move is recorded (with its audit entry) to complete after the waiting period (24 h),
 *    one at a time, and not within 7 days of a cancelled one unless a step-up code proves the
 *    current number; the old number is told by SMS, and every session of the account sees it
 *    (GET /v1/me) and may cancel.
 */
export async function startPhoneRecovery(
  deps: PhoneRecoveryDeps,
  who: Identity,
  input: StartRecoveryInput,
  caller: CodeCaller,
) {
  const { auth } = deps;
  const user = await auth.accounts.getUser(who.userId);
  if (!user) throw new AppError('unauthorized');
  const verified = await deps.verifiedIdentity(who.userId);
  if (!verified) throw new AppError('phone_recovery_unavailable');
  const now = auth.clock.now().getTime();
  const hit = await auth.limiter.hit(
    { scope: rateScopes.verificationAccount, key: who.userId, seconds: 86_400, max: deps.attemptsPerDay },
    now,
  );
  if (!hit.allowed) throw new AppError('too_many_attempts', { retryAfter: hit.retryAfter });

  const name = normalisePersonName(input.name);
  const parsed = parseIdNumber(input.idNumber, input.idType, { upgradeLegacy: true, today: new Date(now) });
  const matches =
    typeof name === 'string' &&
    name !== 'length' &&
    name !== 'characters' &&
    typeof parsed !== 'string' &&
    name === verified.name &&
    deps.idNumberToken(parsed.number) === verified.idNumberToken;
  if (!matches) {
    await auth.audit.record({
      event: 'user.phone_recovery_refused',
      userId: user.userId,
      sessionId: who.sessionId,
      at: now,
    });
    throw new AppError('identity_mismatch');
  }

  const current = input.currentPhone
    ? await checkCode(auth, { ...input.currentPhone, phone: user.phone, purpose: 'step_up' }, caller)
    : undefined;
  const next = await checkCode(auth, { ...input.newPhone, purpose: 'step_up' }, caller);
  if (next.phoneToken === user.phoneToken) throw new AppError('phone_unchanged');
  if (current) await consumeCode(auth, current);
  await consumeCode(auth, next);
  const recovery = {
    userId: user.userId,
    recoveryId: newId(auth.random),
    phoneToken: next.phoneToken,
    phone: next.phone.e164,
    sessionId: who.sessionId,
    startedAt: now,
    dueAt: now + auth.config.phoneRecovery.waitSeconds * 1000,
  };
  const started = await auth.accounts.startPhoneRecovery(
    recovery,
    {
      event: 'user.phone_recovery_started',
      userId: user.userId,
      sessionId: who.sessionId,
      detail: { recoveryId: recovery.recoveryId, dueAt: new Date(recovery.dueAt).toISOString() },
      at: now,
    },
    { overrideBlock: current !== undefined },
  );
  if (started === 'pending') throw new AppError('phone_recovery_pending');
  if (typeof started === 'object') {
    throw new AppError('phone_recovery_blocked', {
      retryAfter: Math.ceil((started.blockedUntil - now) / 1000),
    });
  }
  const hours = Math.round(auth.config.phoneRecovery.waitSeconds / 3600);
  try {
    await auth.sms.send({ kind: 'notice', notice: 'phone_recovery', phone: user.phone, hours });
  } catch {
    // Without the notice the wait protects nobody: take the request back and say so.
    const at = auth.clock.now().getTime();
    await auth.accounts.cancelPhoneRecovery(
      recovery,
      {
        event: 'user.phone_recovery_cancelled',
        userId: user.userId,
        sessionId: who.sessionId,
        detail: { recoveryId: recovery.recoveryId, reason: 'notice_not_sent' },
        at,
      },
      // Nobody was told, so nothing was refused: the same person may try again at once.
      { blockUntil: at, revokeRequester: false },
    );
    throw new AppError('sms_unavailable', { retryAfter: 30 });
  }
  return {
    recoveryId: recovery.recoveryId,
    dueAt: new Date(recovery.dueAt).toISOString(),
    phoneMasked: maskPhone(recovery.phone),
  };
}

/**
 * Any session of the account may cancel a pending recovery (the owner who did not ask for it):
 * the session that asked is signed out in the same transaction, and no new recovery can start
 * for 7 days unless the current number proves itself, so a thief cannot simply ask again.
 */
export async function cancelPhoneRecovery(deps: Pick<PhoneRecoveryDeps, 'auth'>, who: Identity) {
  const { auth } = deps;
  const recovery = await auth.accounts.getPhoneRecovery(who.userId);
  if (!recovery) throw new AppError('phone_recovery_not_found');
  // The session that asked cancelling its own request stays signed in (the bar still applies).
  const requester =
    recovery.sessionId === who.sessionId
      ? undefined
      : await auth.sessions.getSession(who.userId, recovery.sessionId);
  const now = auth.clock.now().getTime();
  const cancelled = await auth.accounts.cancelPhoneRecovery(
    recovery,
    {
      event: 'user.phone_recovery_cancelled',
      userId: who.userId,
      sessionId: who.sessionId,
      detail: { recoveryId: recovery.recoveryId, requesterRevoked: requester?.revokedAt === undefined },
      at: now,
    },
    {
      blockUntil: now + BLOCK_AFTER_CANCEL_SECONDS * 1000,
      revokeRequester: requester !== undefined && requester.revokedAt === undefined,
    },
  );
  if (!cancelled) throw new AppError('phone_recovery_not_found');
}

/**
 * Completes a recovery once its wait is over, from the session that asked for it: the phone claim
 * moves (in the same transaction the recovery is used up, so a cancellation in between wins), and
 * every other session is signed out.
 */
export async function completePhoneRecovery(deps: Pick<PhoneRecoveryDeps, 'auth'>, who: Identity) {
  const { auth } = deps;
  const [user, recovery] = await Promise.all([
    auth.accounts.getUser(who.userId),
    auth.accounts.getPhoneRecovery(who.userId),
  ]);
  if (!user) throw new AppError('unauthorized');
  if (!recovery) throw new AppError('phone_recovery_not_found');
  if (recovery.sessionId !== who.sessionId) throw new AppError('phone_recovery_other_session');
  const now = auth.clock.now().getTime();
  if (now < recovery.dueAt) {
    throw new AppError('phone_recovery_not_due', { retryAfter: Math.ceil((recovery.dueAt - now) / 1000) });
  }
  const outcome = await auth.accounts.changePhone(
    user,
    { phoneToken: recovery.phoneToken, phone: recovery.phone },
    {
      recovery: { recoveryId: recovery.recoveryId, now },
      audit: {
        event: 'user.phone_changed',
        userId: user.userId,
        sessionId: who.sessionId,
        detail: { proof: 'recovery', recoveryId: recovery.recoveryId },
        at: now,
      },
    },
  );
  if (outcome === 'recovery_gone') throw new AppError('phone_recovery_not_found');
  if (outcome !== 'changed') throw new AppError('phone_taken');
  const revoked = await revokeOtherSessions(auth, user, who.sessionId);
  return { phoneMasked: maskPhone(recovery.phone), sessionsRevoked: revoked };
}
