import type { LoginResult } from '../auth';
import { requireBindToken } from '../auth';
import type { MiniProgramConfig } from '../core/config';
import { AppError } from '../core/errors';
import type { ProblemCode } from '../core/messages';
import { maskPhone } from '../crypto/mask';
import type { ClientInfo } from '../kernel/client-info';
import { requireMobile } from '../kernel/person/phone-rules';
import {
  type MiniProgramClient,
  MiniProgramError,
  type MiniProgramFailure,
  type MiniProgramPlatform,
} from '../providers/miniprogram/ports';
import { loginOrBind, type OAuthDeps, type OAuthOutcome, registerOrLink } from './oauth-login';

export interface MiniProgramDeps {
  readonly oauth: OAuthDeps;
  readonly config: MiniProgramConfig;
  readonly platforms: Readonly<Record<MiniProgramPlatform, MiniProgramClient>>;
}

const problems: Readonly<Record<MiniProgramFailure, ProblemCode>> = {
  code_invalid: 'oauth_code_invalid',
  code_used: 'oauth_code_used',
  rate_limited: 'rate_limited',
  risk: 'oauth_login_refused',
  unavailable: 'oauth_unavailable',
  phone_code_invalid: 'phone_code_invalid',
  phone_payload_invalid: 'phone_payload_invalid',
  phone_not_authorized: 'phone_not_authorized',
};

async function asProblem<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof MiniProgramError)) throw error;
    throw new AppError(problems[error.reason], {
      cause: error,
      ...(error.reason === 'rate_limited' ? { retryAfter: 60 } : {}),
      ...(error.reason === 'unavailable' ? { retryAfter: 5 } : {}),
      extensions: { providerCode: error.providerCode },
    });
  }
}

const configured = (deps: MiniProgramDeps, platform: MiniProgramPlatform, appId: string) =>
  deps.config[platform].some((app) => app.appId === appId);

/**
 * A mini-program login (`wx.login` / `my.getAuthCode`): the platform says who the person is; an
 * identity linked to an account logs in at once, a new one gets a bind token for the phone step.
 * The app must be one of ours (config); session keys and platform tokens stay in the adapter.
 */
export async function miniProgramLogin(
  deps: MiniProgramDeps,
  platform: MiniProgramPlatform,
  input: { appId: string; code: string; client: ClientInfo },
): Promise<OAuthOutcome> {
  if (!configured(deps, platform, input.appId)) throw new AppError('oauth_client_unsupported');
  const profile = await asProblem(() => deps.platforms[platform].login(input.appId, input.code));
  return loginOrBind(deps.oauth, profile, input.client);
}

/**
 * The one-tap phone number for a bind token, registering or linking exactly as `bind-phone` does
 * with an SMS code:
 * 1. the bind token must be live and come from this platform's login in one of our apps;
 * 2. the platform vouches for the number (WeChat: the button's one-use code; Alipay: its signed,
 *    encrypted payload), for the same app as the login (WeChat's watermark appid), mainland only;
 * 3. the proof is single use: remembered by keyed hash until it can no longer be valid, and an
 *    Alipay payload (which carries no time) only ever with the platform identity that first
 *    presented it, so a captured one is worth nothing with someone else's login;
 * 4. a number that already has an account is not linked on the platform's word: its owner proves
 *    the number with an SMS code (`bind` code, then bind-phone), as for a web login;
 * 5. a new number needs the current policy accepted (428; the bind token is kept, the phone must
 *    be asked for again: its code is single use);
 * 6. then the same transaction as with an SMS code: one account per number, the identity linked
 *    once, the audit entry. The session's amr is [platform, mp_phone]: never `sms`, so the step-up
 *    actions (phone change, linking, deletion) still ask for an SMS code.
 */
export async function miniProgramPhone(
  deps: MiniProgramDeps,
  platform: MiniProgramPlatform,
  input: { bindToken: string; proof: string; acceptPolicyVersion?: string | undefined; client: ClientInfo },
): Promise<LoginResult> {
  const { auth, store } = deps.oauth;
  const bind = await requireBindToken(store, auth.clock, input.bindToken);
  if (bind.provider !== platform || !configured(deps, platform, bind.profile.appId))
    throw new AppError('bind_token_invalid');
  const vouched = await asProblem(() => deps.platforms[platform].phone(bind.profile.appId, input.proof));
  if (vouched.appId !== bind.profile.appId) throw new AppError('phone_app_mismatch');
  if (vouched.countryCode !== '86')
    throw new AppError('phone_invalid', { extensions: { reason: 'not_mainland' } });
  const phone = requireMobile(vouched.number);
  const phoneToken = auth.phoneToken(phone.e164);
  const claimed = await store.claimPhoneProof(
    deps.oauth.indexer.token('mp-phone-proof', `${platform}|${bind.profile.appId}|${input.proof}`),
    {
      identityToken: bind.identityToken,
      expiresAt: auth.clock.now().getTime() + deps.config.phoneProofSeconds[platform] * 1000,
      sameIdentityMayReuse: platform === 'alipay',
    },
  );
  if (!claimed) throw new AppError('phone_proof_used');
  const { accountId } = await auth.challenges.numberState(phoneToken, 'bind');
  if (accountId !== undefined) {
    throw new AppError('sms_proof_required', { extensions: { phoneMasked: maskPhone(phone.e164) } });
  }
  return registerOrLink(
    deps.oauth,
    { ...bind, token: input.bindToken },
    { phoneToken, e164: phone.e164, accountId },
    { amr: [platform, 'mp_phone'] },
    input,
  );
}
