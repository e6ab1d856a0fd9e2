import { AppError } from '../core/errors';
import { checkCode, consumeCode } from './check-code';
import type { AuthDeps } from './ports';
import { type ClientInfo, newAccount, newSession, type TokenPair, tokenPair, userView } from './sessions';

export interface LoginInput {
  readonly challengeId: string;
  readonly phone: string;
  readonly code: string;
  readonly acceptPolicyVersion?: string | undefined;
  readonly client: ClientInfo;
}

export type LoginResult = TokenPair & { user: ReturnType<typeof userView> };

/**
 * Logs in with an SMS code, registering the number on its first verify.
 * 1. check the code (not yet used up; see checkCode);
 * 2. a number without an account needs the current policy version accepted, else 428 and the
 *    code stays valid for the retry;
 * 3. use the code up with a conditional write: of many parallel verifies only one gets past;
 * 4. existing account: new session; new number: user, phone claim, consent record and session
 *    in one transaction (a parallel registration of the same number makes it a login instead);
 * 5. audit the login and return the token pair.
 */
export async function loginWithCode(deps: AuthDeps, input: LoginInput): Promise<LoginResult> {
  const checked = await checkCode(deps, { ...input, purpose: 'login' }, input.client);
  const { policy } = deps.config;
  let userId = await deps.accounts.findUserIdByPhone(checked.phoneToken);
  if (userId === undefined && input.acceptPolicyVersion !== policy.version) {
    throw new AppError('policy_acceptance_required', { extensions: { policyVersion: policy.version } });
  }
  await consumeCode(deps, checked);
  const now = deps.clock.now().getTime();

  if (userId === undefined) {
    const account = newAccount(
      deps,
      { phoneToken: checked.phoneToken, e164: checked.phone.e164 },
      ['sms'],
      input.client,
    );
    const { user: candidate, session, refreshToken } = account;
    const created = await deps.accounts.createUser(candidate, account.acceptance, session);
    if (created === 'created') {
      deps.metrics.count('LoginSucceeded');
      await deps.audit.record(
        { event: 'user.registered', userId: candidate.userId, sessionId: session.familyId },
        now,
      );
      return { ...(await tokenPair(deps, session, refreshToken)), user: userView(candidate, true) };
    }
    userId = await deps.accounts.findUserIdByPhone(checked.phoneToken);
  }
  const user = userId === undefined ? undefined : await deps.accounts.getUser(userId);
  if (!user) throw new Error('phone claim points at a missing user');

  const { session, refreshToken } = newSession(deps, user.userId, ['sms'], input.client);
  await deps.sessions.putSession(session);
  deps.metrics.count('LoginSucceeded');
  await deps.audit.record(
    { event: 'login.succeeded', userId: user.userId, sessionId: session.familyId, detail: { amr: 'sms' } },
    now,
  );
  return { ...(await tokenPair(deps, session, refreshToken)), user: userView(user, false) };
}
