import type { AuthDeps, BindRecord, CodeUse, LinkRecord, LoginResult, OAuthStore, UserRecord } from '../auth';
import {
  type CodeCaller,
  checkCode,
  codeUse,
  consumeCode,
  newAccount,
  newSession,
  requireBindToken,
  tokenPair,
  userView,
} from '../auth';
import type { Identity } from '../core/authorizer-context';
import type { IdentityProviderName, OAuthClient, OAuthConfig, OAuthProviderName } from '../core/config';
import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import type { ProblemCode } from '../core/messages';
import { returnAllowed } from '../core/return-address';
import { withoutUnsafeCharacters } from '../core/text';
import type { BlindIndexer } from '../crypto/blind-index';
import type { ClientInfo } from '../kernel/client-info';
import { sha256 } from '../kernel/ids';
import { isLoopback } from '../kernel/network';
import { type OAuthProfile, type OAuthProvider, OAuthProviderError } from '../providers/oauth/ports';
import { rateScopes } from '../store/keys';

export interface OAuthDeps {
  readonly auth: AuthDeps;
  readonly config: OAuthConfig;
  readonly providers: Readonly<Record<OAuthProviderName, OAuthProvider>>;
  readonly store: OAuthStore;
  readonly indexer: BlindIndexer;
  /** The local server's origin (`npm start` only), whose pages may be redirect targets. */
  readonly localOrigin?: string | undefined;
}

export type OAuthOutcome = LoginResult | { readonly next: 'bind_phone'; readonly bindToken: string };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 22 alphanumeric characters (131 bits): inside WeChat's 128-byte, [a-zA-Z0-9] state rule. */
export function newState(deps: Pick<AuthDeps, 'random'>): string {
  return Array.from({ length: 22 }, () => ALNUM[deps.random.int(0, ALNUM.length)]).join('');
}

function redirectAllowed(deps: OAuthDeps, redirectUri: string): boolean {
  return returnAllowed(redirectUri, {
    exact: deps.config.redirectUris,
    allowLocalOrigin: deps.config.allowLocalOrigin,
    localOrigin: deps.localOrigin,
  });
}

/** The identity key: the provider's unionid when it gives one, else the app id and openid. */
export function identityToken(indexer: BlindIndexer, profile: OAuthProfile): string {
  const subject = profile.unionId ? `u:${profile.unionId}` : `o:${profile.appId}:${profile.openId}`;
  return indexer.token('idp-subject', `${profile.provider}|${subject}`);
}

function provider(deps: OAuthDeps, name: OAuthProviderName): OAuthProvider {
  return deps.providers[name];
}

/**
 * Starts a web login.
 * 1. the redirect URI must be on the allow-list exactly (or under `npm start`'s own origin);
 * 2. each start stores an item, so starts are counted per IP prefix (loopback exempt only where
 *    the stage says so, as for sending codes);
 * 3. a one-time 128-bit state is stored hashed for 10 minutes with the provider, client,
 *    redirect URI and a hash of the nonce the client keeps and must echo at the callback.
 */
export async function startAuthorize(
  deps: OAuthDeps,
  input: {
    provider: OAuthProviderName;
    redirectUri: string;
    client: 'web' | 'wechat_browser';
    nonce: string;
  },
  caller: { sourceIp: string; ipPrefix: string },
): Promise<{ authorizeUrl: string; state: string }> {
  if (!redirectAllowed(deps, input.redirectUri)) throw new AppError('redirect_uri_not_allowed');
  if (!(deps.auth.config.exemptLoopback && isLoopback(caller.sourceIp))) {
    const now = deps.auth.clock.now().getTime();
    for (const window of deps.config.authorizePerIp) {
      const hit = await deps.auth.limiter.hit(
        { scope: rateScopes.oauthStartIp, key: caller.ipPrefix, ...window },
        now,
      );
      if (!hit.allowed) throw new AppError('rate_limited', { retryAfter: hit.retryAfter });
    }
  }
  const state = newState(deps.auth);
  const authorizeUrl = provider(deps, input.provider).authorizeUrl({
    client: input.client,
    redirectUri: input.redirectUri,
    state,
  });
  if (!authorizeUrl) throw new AppError('oauth_client_unsupported');
  await deps.store.putState(sha256(state), {
    provider: input.provider,
    client: input.client,
    redirectUri: input.redirectUri,
    nonceHash: sha256(input.nonce),
    expiresAt: deps.auth.clock.now().getTime() + deps.config.stateTtlSeconds * 1000,
  });
  return { authorizeUrl, state };
}

async function exchange(
  deps: OAuthDeps,
  name: OAuthProviderName,
  input: { client: OAuthClient; code: string; redirectUri?: string },
) {
  try {
    const profile = await provider(deps, name).exchange(input);
    // A nickname is shown back as a label: nothing in it may disguise the text around it.
    return {
      ...profile,
      ...(profile.nickname === undefined ? {} : { nickname: withoutUnsafeCharacters(profile.nickname) }),
    };
  } catch (error) {
    if (!(error instanceof OAuthProviderError)) throw error;
    const codes: Readonly<Record<OAuthProviderError['reason'], ProblemCode>> = {
      code_invalid: 'oauth_code_invalid',
      provider_error: 'oauth_provider_error',
      unavailable: 'oauth_unavailable',
    };
    const code = codes[error.reason];
    throw new AppError(code, { cause: error, extensions: { providerCode: error.providerCode } });
  }
}

/**
 * Finishes a login: a known identity logs in (amr: [provider]); a new one gets a 10-minute bind
 * token that allows only sending a `bind` code and binding a phone.
 */
export async function loginOrBind(
  deps: OAuthDeps,
  profile: OAuthProfile,
  client: ClientInfo,
): Promise<OAuthOutcome> {
  const now = deps.auth.clock.now().getTime();
  const token = identityToken(deps.indexer, profile);
  const userId = await deps.store.findLinkedUser(profile.provider, token);
  if (userId) {
    const user = await deps.auth.accounts.getUser(userId);
    if (!user) throw new Error('link points at a missing user');
    const { session, refreshToken } = newSession(deps.auth, userId, [profile.provider], client);
    await deps.auth.sessions.putSession(session, {
      audit: {
        event: 'login.succeeded',
        userId,
        sessionId: session.familyId,
        detail: { amr: profile.provider },
        at: now,
      },
    });
    deps.auth.metrics.count('LoginSucceeded');
    return { ...(await tokenPair(deps.auth, session, refreshToken)), user: userView(user, false) };
  }
  const bindToken = Buffer.from(deps.auth.random.bytes(32)).toString('base64url');
  await deps.store.putBind(sha256(bindToken), {
    provider: profile.provider,
    identityToken: token,
    expiresAt: now + deps.config.bindTokenTtlSeconds * 1000,
    profile,
  });
  return { next: 'bind_phone', bindToken };
}

/**
 * The web callback.
 * 1. use the state up: it must exist, be unexpired and unused, belong to this provider and come
 *    with the nonce it was issued for (anything else: 400, and no provider is called);
 * 2. exchange the code with the app of the client that started the login;
 * 3. log in or hand out a bind token.
 */
export async function completeCallback(
  deps: OAuthDeps,
  input: { provider: OAuthProviderName; code: string; state: string; nonce: string; client: ClientInfo },
): Promise<OAuthOutcome> {
  const state = await deps.store.consumeState(sha256(input.state), {
    provider: input.provider,
    nonceHash: sha256(input.nonce),
    now: deps.auth.clock.now().getTime(),
  });
  if (!state) throw new AppError('oauth_state_invalid');
  const profile = await exchange(deps, input.provider, {
    client: state.client,
    code: input.code,
    redirectUri: state.redirectUri,
  });
  return loginOrBind(deps, profile, input.client);
}

/** A native app's code (WeChat SendAuth, QQ and Weibo SDKs), exchanged with the app's own id. */
export async function completeApp(
  deps: OAuthDeps,
  input: { provider: OAuthProviderName; code: string; client: ClientInfo },
): Promise<OAuthOutcome> {
  if (!deps.config.providers[input.provider].appIds.app) throw new AppError('oauth_client_unsupported');
  const profile = await exchange(deps, input.provider, { client: 'app', code: input.code });
  return loginOrBind(deps, profile, input.client);
}

/**
 * Binds a phone to a new provider identity with a `bind` code sent to that phone.
 * 1. the bind token must be live; the code must be right (it proves the phone is theirs);
 * 2. a new phone needs the current policy accepted (428, code kept); the bind token is used up;
 * 3. new phone: account, consent, session, link, audit entry and the use of the code in one
 *    transaction; of two first logins with one identity, only one can link it;
 * 4. a phone with an account gets the identity linked with the use of the code (no takeover:
 *    only the code links), then a session; the session's amr is [provider, sms].
 */
export async function bindPhone(
  deps: OAuthDeps,
  input: {
    bindToken: string;
    challengeId: string;
    phone: string;
    code: string;
    acceptPolicyVersion?: string | undefined;
    client: ClientInfo;
  },
): Promise<LoginResult> {
  const bind = await requireBindToken(deps.store, deps.auth.clock, input.bindToken);
  const checked = await checkCode(deps.auth, { ...input, purpose: 'bind' }, input.client);
  return registerOrLink(
    deps,
    { ...bind, token: input.bindToken },
    { phoneToken: checked.phoneToken, e164: checked.phone.e164, accountId: checked.accountId },
    { amr: [bind.provider, 'sms'], code: codeUse(deps.auth, checked) },
    { acceptPolicyVersion: input.acceptPolicyVersion, client: input.client },
  );
}

/**
 * Once a phone is proven for a bind token (an SMS code, or a platform's one-tap number):
 * 1. a new number needs the current policy accepted (428; the bind token and a code are kept);
 * 2. the bind token is used up;
 * 3. a new number registers with the identity linked, in one transaction with its consent,
 *    session, audit entry and the code's use; a number with an account gets the identity linked
 *    to it (of two first logins with one identity only one can link it), then a session.
 */
export async function registerOrLink(
  deps: OAuthDeps,
  bind: BindRecord & { readonly token: string },
  phone: { phoneToken: string; e164: string; accountId: string | undefined },
  proof: { amr: string[]; code?: CodeUse | undefined },
  request: { acceptPolicyVersion?: string | undefined; client: ClientInfo },
): Promise<LoginResult> {
  const { policy } = deps.auth.config;
  if (phone.accountId === undefined && request.acceptPolicyVersion !== policy.version) {
    throw new AppError('policy_acceptance_required', { extensions: { policyVersion: policy.version } });
  }
  if (!(await deps.store.consumeBind(sha256(bind.token), deps.auth.clock.now().getTime()))) {
    throw new AppError('bind_token_invalid');
  }
  const { client } = request;
  const now = deps.auth.clock.now().getTime();
  const { amr } = proof;
  const existing = phone.accountId;
  const link = (userId: string): LinkRecord => ({
    userId,
    provider: bind.provider,
    identityToken: bind.identityToken,
    appId: bind.profile.appId,
    linkedAt: now,
    nickname: bind.profile.nickname,
    avatarUrl: bind.profile.avatarUrl,
  });

  if (existing === undefined) {
    const account = newAccount(deps.auth, { phoneToken: phone.phoneToken, e164: phone.e164 }, amr, client);
    const candidate = account.user;
    const created = await deps.auth.accounts.createUser(candidate, account.acceptance, account.session, {
      link: link(candidate.userId),
      ...(proof.code ? { code: proof.code } : {}),
      audit: {
        event: 'user.registered',
        userId: candidate.userId,
        sessionId: account.session.familyId,
        detail: { amr: bind.provider, phoneProof: amr[1] ?? 'none' },
        at: now,
      },
    });
    if (created === 'identity_taken') throw new AppError('identity_linked_elsewhere');
    if (created === 'code_used') throw new AppError('otp_invalid');
    if (created === 'created') {
      deps.auth.metrics.count('LoginSucceeded');
      return {
        ...(await tokenPair(deps.auth, account.session, account.refreshToken)),
        user: userView(candidate, true),
      };
    }
  }
  // The number has an account (or got one meanwhile): link the identity to it.
  const number =
    existing === undefined ? await deps.auth.challenges.numberState(phone.phoneToken, 'bind') : undefined;
  const userId = existing ?? number?.accountId;
  const user = userId === undefined ? undefined : await deps.auth.accounts.getUser(userId);
  if (!user) throw new Error('phone claim points at a missing user');
  const linked = await deps.store.linkIdentity(link(user.userId), {
    ...(proof.code ? { code: proof.code } : {}),
    audit: { event: 'identity.linked', userId: user.userId, detail: { provider: bind.provider }, at: now },
  });
  if (linked === 'code_used') throw new AppError('otp_invalid');
  if (
    linked !== 'linked' &&
    (await deps.store.findLinkedUser(bind.provider, bind.identityToken)) !== user.userId
  ) {
    throw new AppError(linked === 'identity_taken' ? 'identity_linked_elsewhere' : 'provider_already_linked');
  }
  if (linked === 'linked') await tellOwnerOfLink(deps, user, bind.provider);
  const sessionPair = newSession(deps.auth, user.userId, amr, client);
  await deps.auth.sessions.putSession(sessionPair.session, {
    audit: {
      event: 'login.succeeded',
      userId: user.userId,
      sessionId: sessionPair.session.familyId,
      detail: { amr: bind.provider, phoneProof: amr[1] ?? 'none' },
      at: now,
    },
  });
  deps.auth.metrics.count('LoginSucceeded');
  return {
    ...(await tokenPair(deps.auth, sessionPair.session, sessionPair.refreshToken)),
    user: userView(user, false),
  };
}

export async function listIdentities(deps: OAuthDeps, who: Identity) {
  const links = await deps.store.listLinks(who.userId);
  return links.map((l) => ({
    provider: l.provider,
    linkedAt: new Date(l.linkedAt).toISOString(),
    nickname: l.nickname ?? null,
  }));
}

/**
 * Links a provider to the signed-in account from settings. Needs a step-up code sent to the
 * account's own phone, so a stolen access token alone cannot attach an attacker's WeChat.
 */
export async function linkFromSettings(
  deps: OAuthDeps,
  who: Identity,
  input: {
    provider: OAuthProviderName;
    code: string;
    state: string;
    nonce: string;
    challengeId: string;
    phone: string;
    otp: string;
  },
  client: CodeCaller,
) {
  const user = await deps.auth.accounts.getUser(who.userId);
  if (!user) throw new AppError('unauthorized');
  const checked = await checkCode(
    deps.auth,
    { challengeId: input.challengeId, phone: input.phone, code: input.otp, purpose: 'step_up' },
    client,
  );
  if (checked.phoneToken !== user.phoneToken) throw new AppError('step_up_required');
  const state = await deps.store.consumeState(sha256(input.state), {
    provider: input.provider,
    nonceHash: sha256(input.nonce),
    now: deps.auth.clock.now().getTime(),
  });
  if (!state) throw new AppError('oauth_state_invalid');
  await consumeCode(deps.auth, checked);
  const profile = await exchange(deps, input.provider, {
    client: state.client,
    code: input.code,
    redirectUri: state.redirectUri,
  });
  const now = deps.auth.clock.now().getTime();
  const outcome = await deps.store.linkIdentity(
    {
      userId: user.userId,
      provider: input.provider,
      identityToken: identityToken(deps.indexer, profile),
      appId: profile.appId,
      linkedAt: now,
      nickname: profile.nickname,
      avatarUrl: profile.avatarUrl,
    },
    {
      audit: { event: 'identity.linked', userId: user.userId, detail: { provider: input.provider }, at: now },
    },
  );
  if (outcome === 'identity_taken') throw new AppError('identity_linked_elsewhere');
  if (outcome === 'provider_taken') throw new AppError('provider_already_linked');
  await tellOwnerOfLink(deps, user, input.provider);
  return {
    provider: input.provider,
    linkedAt: new Date(now).toISOString(),
    nickname: profile.nickname ?? null,
  };
}

/**
 * Tells the account's own number that a new way to log in was linked, so a link the owner did
 * not make is seen at once. The link stands if the notice cannot be sent (it was proven with a
 * code to that number); the failure is logged and counted.
 */
async function tellOwnerOfLink(deps: OAuthDeps, user: UserRecord, provider: IdentityProviderName) {
  try {
    await deps.auth.sms.send({ kind: 'notice', notice: 'identity_linked', phone: user.phone, provider });
  } catch (error) {
    deps.auth.metrics.count('LinkNoticeFailed');
    logger.warn('link notice not sent', { provider, error: error instanceof Error ? error.name : 'unknown' });
  }
}

/**
 * Unlinks a provider. Every account has a phone, so SMS login always remains. What the link
 * allowed goes with it: every other session that logged in through that provider is revoked.
 */
export async function unlinkIdentity(
  deps: OAuthDeps,
  who: Identity,
  providerName: IdentityProviderName,
): Promise<void> {
  const now = deps.auth.clock.now().getTime();
  const unlinked = await deps.store.unlink(who.userId, providerName, {
    event: 'identity.unlinked',
    userId: who.userId,
    detail: { provider: providerName },
    at: now,
  });
  if (!unlinked) throw new AppError('link_not_found');
  const sessions = await deps.auth.sessions.listSessions(who.userId);
  await Promise.all(
    sessions
      .filter((s) => s.familyId !== who.sessionId && s.revokedAt === undefined && s.amr[0] === providerName)
      .map((s) =>
        deps.auth.sessions.revokeSession(who.userId, s.familyId, {
          event: 'session.revoked',
          userId: who.userId,
          sessionId: s.familyId,
          detail: { reason: 'identity_unlinked', provider: providerName },
          at: now,
        }),
      ),
  );
}
