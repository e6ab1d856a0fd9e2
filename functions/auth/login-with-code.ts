import { AppError } from '../core/errors';
import type { ClientInfo } from '../kernel/client-info';
import { checkCode, codeUse } from './check-code';
import type { AuthDeps } from './ports';
import { newAccount, newSession, type TokenPair, tokenPair, userView } from './sessions';

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
 * 1. check the code (not yet used up; see checkCode), learning the number's account as we go;
 * 2. a number without an account needs the current policy version accepted, else 428 and the
 *    code stays valid for the retry;
 * 3. new number: user, phone claim, consent record, session, audit entry and the use of the code
 *    in one transaction (a parallel registration of the same number makes it a login instead);
 * 4. existing account: session, audit entry and the use of the code in one transaction, while
 *    the profile is read for the answer;
 * 5. sign the token pair. Nothing is written unless all of it is, so a failed attempt leaves the
 *    code valid for the retry, and of many parallel verifies one wins and the rest are refused.
 */
export async function loginWithCode(deps: AuthDeps, input: LoginInput): Promise<LoginResult> {
  const checked = await checkCode(deps, { ...input, purpose: 'login' }, input.client);
  const { policy } = deps.config;
  const now = deps.clock.now().getTime();

  if (checked.accountId === undefined) {
    if (input.acceptPolicyVersion !== policy.version) {
      throw new AppError('policy_acceptance_required', { extensions: { policyVersion: policy.version } });
    }
    const account = newAccount(
      deps,
      { phoneToken: checked.phoneToken, e164: checked.phone.e164 },
      ['sms'],
      input.client,
    );
    const { user, session, refreshToken } = account;
    const created = await deps.accounts.createUser(user, account.acceptance, session, {
      code: codeUse(deps, checked),
      audit: { event: 'user.registered', userId: user.userId, sessionId: session.familyId, at: now },
    });
    if (created === 'code_used') throw new AppError('otp_invalid');
    if (created === 'created') {
      deps.metrics.count('LoginSucceeded');
      return { ...(await tokenPair(deps, session, refreshToken)), user: userView(user, true) };
    }
    // Another request registered the number meanwhile: the code is still unused, log in to it.
    return loginWithCode(deps, input);
  }

  const { session, refreshToken } = newSession(deps, checked.accountId, ['sms'], input.client);
  const [user, stored] = await Promise.all([
    deps.accounts.getUser(checked.accountId, { eventual: true }),
    deps.sessions.putSession(session, {
      code: codeUse(deps, checked),
      audit: {
        event: 'login.succeeded',
        userId: checked.accountId,
        sessionId: session.familyId,
        detail: { amr: 'sms' },
        at: now,
      },
    }),
  ]);
  if (stored === 'code_used') throw new AppError('otp_invalid');
  // The claim named the account, so its profile is there (a closing account deletes its number's
  // codes with the claim); an eventual read can only miss a profile written this second.
  const profile = user ?? (await deps.accounts.getUser(checked.accountId));
  if (!profile) throw new Error('phone claim points at a missing user');
  deps.metrics.count('LoginSucceeded');
  return { ...(await tokenPair(deps, session, refreshToken)), user: userView(profile, false) };
}
