import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../../bin/local/site';
import type { OAuthStandin } from '../../../bin/local/standins/oauth';
import { authenticate } from '../../../functions/auth/authenticate';
import { loginWithCode } from '../../../functions/auth/login-with-code';
import { sendCode } from '../../../functions/auth/send-code';
import type { OAuthProviderName } from '../../../functions/core/config';
import {
  bindPhone,
  completeApp,
  completeCallback,
  linkFromSettings,
  listIdentities,
  type OAuthDeps,
  type OAuthOutcome,
  startAuthorize,
  unlinkIdentity,
} from '../../../functions/oauth/oauth-login';
import type { AuthHarness } from '../../helpers/auth-harness';
import { localDynamo, rawTableText } from '../../helpers/dynamo';
import { approve, oauthHarness, oauthStandins, REDIRECT } from '../../helpers/oauth-harness';

const client = localDynamo();
let standins: Record<OAuthProviderName, OAuthStandin>;
let h: AuthHarness;
let deps: OAuthDeps;
let n = 0;

beforeAll(async () => {
  standins = await oauthStandins();
});
afterAll(async () => {
  await Promise.all(Object.values(standins).map((s) => s.close()));
  client.destroy();
});
beforeEach(async () => {
  ({ h, deps } = await oauthHarness(client, standins));
  for (const s of Object.values(standins)) {
    s.breakProfile = false;
    s.user = { id: `person-${++n}`, nickname: '小红', avatarUrl: 'https://example.invalid/a.png' };
  }
});

const web = { sourceIp: '198.51.100.8', ipPrefix: '198.51.100.0/24', userAgent: 'browser' };
/** Where a test's logins start from, when the network does not matter. */
const someone = { sourceIp: '198.51.100.10', ipPrefix: '198.51.100.0/24' };
const POLICY = exampleConfig.auth.policy.version;

async function webLogin(provider: OAuthProviderName, clientKind: 'web' | 'wechat_browser' = 'web') {
  const nonce = `nonce-${++n}-abcdefghijkl`;
  const started = await startAuthorize(
    deps,
    { provider, redirectUri: REDIRECT, client: clientKind, nonce },
    { sourceIp: `198.51.${n % 250}.9`, ipPrefix: `198.51.${n % 250}.0/24` },
  );
  const approved = await approve(started.authorizeUrl);
  expect(approved.state).toBe(started.state);
  return { ...approved, nonce, authorizeUrl: started.authorizeUrl };
}

async function bindCode(phone: string, ip = `203.0.${++n % 250}.1`) {
  const { challengeId } = await sendCode(h.deps, {
    phone,
    purpose: 'bind',
    sourceIp: ip,
    ipPrefix: `${ip}/32`,
  });
  return { challengeId, code: h.sms.lastCodeFor(`+86${phone}`) };
}

const bindToken = (outcome: OAuthOutcome) => {
  if (!('next' in outcome)) throw new Error('expected bind_phone');
  return outcome.bindToken;
};

describe.each(['wechat', 'qq', 'weibo'] as const)('%s web login', (provider) => {
  it('binds a phone for a new person, then logs the same person straight in', async () => {
    const first = await webLogin(provider);
    const outcome = await completeCallback(deps, { provider, ...first, client: web });
    expect(outcome).toEqual({ next: 'bind_phone', bindToken: expect.any(String) });

    const { challengeId, code } = await bindCode('13911112222');
    const bound = await bindPhone(deps, {
      bindToken: bindToken(outcome),
      challengeId,
      phone: '13911112222',
      code,
      acceptPolicyVersion: POLICY,
      client: web,
    });
    expect(bound.user).toMatchObject({ isNew: true, phoneMasked: '139****2222' });
    expect((await authenticate(h.deps, `Bearer ${bound.accessToken}`)).amr).toEqual([provider, 'sms']);

    const again = await completeCallback(deps, { provider, ...(await webLogin(provider)), client: web });
    expect('user' in again && again.user.id).toBe(bound.user.id);
    if ('accessToken' in again)
      expect((await authenticate(h.deps, `Bearer ${again.accessToken}`)).amr).toEqual([provider]);
  });

  it('maps a bad or reused code to a 400 problem', async () => {
    const login = await webLogin(provider);
    await expect(
      completeCallback(deps, { provider, ...login, code: 'NOT-A-CODE', client: web }),
    ).rejects.toMatchObject({ code: 'oauth_code_invalid' });
    const second = await webLogin(provider);
    await completeCallback(deps, { provider, ...second, client: web });
    // The same provider code again, with a fresh state: the provider refuses it.
    const third = await webLogin(provider);
    await expect(
      completeCallback(deps, { provider, ...third, code: second.code, client: web }),
    ).rejects.toMatchObject({ code: 'oauth_code_invalid' });
  });

  it('maps a broken profile endpoint to 502 and an unreachable provider to 503', async () => {
    standins[provider].breakProfile = true;
    await expect(
      completeCallback(deps, { provider, ...(await webLogin(provider)), client: web }),
    ).rejects.toMatchObject({ code: 'oauth_provider_error' });
    standins[provider].breakProfile = false;
    const login = await webLogin(provider);
    const offline = { ...deps.providers };
    const { WeChatOAuth } = await import('../../../functions/providers/oauth/wechat-oauth');
    const { QqOAuth } = await import('../../../functions/providers/oauth/qq-oauth');
    const { WeiboOAuth } = await import('../../../functions/providers/oauth/weibo-oauth');
    const dead = { ...exampleConfig.oauth.providers[provider], apiBase: 'http://127.0.0.1:9/' };
    const Adapter = { wechat: WeChatOAuth, qq: QqOAuth, weibo: WeiboOAuth }[provider];
    offline[provider] = new Adapter(dead, () => 'x');
    await expect(
      completeCallback({ ...deps, providers: offline }, { provider, ...login, client: web }),
    ).rejects.toMatchObject({ code: 'oauth_unavailable' });
  });
});

describe('state (CSRF)', () => {
  it('refuses unknown, reused, expired and other-client states without calling the provider', async () => {
    const login = await webLogin('wechat');
    await expect(
      completeCallback(deps, { provider: 'wechat', ...login, state: 'AAAAAAAAAAAAAAAAAAAAAA', client: web }),
    ).rejects.toMatchObject({ code: 'oauth_state_invalid' });
    await expect(
      completeCallback(deps, {
        provider: 'wechat',
        ...login,
        nonce: 'another-clients-nonce-123',
        client: web,
      }),
    ).rejects.toMatchObject({ code: 'oauth_state_invalid' });
    await expect(completeCallback(deps, { provider: 'qq', ...login, client: web })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    });
    await completeCallback(deps, { provider: 'wechat', ...login, client: web });
    await expect(completeCallback(deps, { provider: 'wechat', ...login, client: web })).rejects.toMatchObject(
      { code: 'oauth_state_invalid' },
    );

    const late = await webLogin('wechat');
    h.clock.advance(10 * 60_000);
    await expect(completeCallback(deps, { provider: 'wechat', ...late, client: web })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    });
  });

  it('issues 22-character alphanumeric states, stored only hashed', async () => {
    const { state } = await startAuthorize(
      deps,
      { provider: 'qq', redirectUri: REDIRECT, client: 'web', nonce: 'nonce-aaaaaaaaaaaaaaaa' },
      { sourceIp: '198.51.100.9', ipPrefix: '198.51.100.0/24' },
    );
    expect(state).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(await rawTableText(client, h.tableName)).not.toContain(state);
  });

  it('limits logins started per IP prefix, since each one stores a state', async () => {
    const start = () =>
      startAuthorize(
        deps,
        { provider: 'weibo', redirectUri: REDIRECT, client: 'web', nonce: 'nonce-bbbbbbbbbbbbbbbb' },
        { sourceIp: '192.0.2.77', ipPrefix: '192.0.2.0/24' },
      );
    for (let i = 0; i < 30; i++) await start();
    await expect(start()).rejects.toMatchObject({ code: 'rate_limited' });
    // Another network is not affected.
    await expect(
      startAuthorize(
        deps,
        { provider: 'weibo', redirectUri: REDIRECT, client: 'web', nonce: 'nonce-cccccccccccccccc' },
        { sourceIp: '192.0.3.77', ipPrefix: '192.0.3.0/24' },
      ),
    ).resolves.toMatchObject({ state: expect.any(String) });
  });

  it('refuses redirect URIs off the allow-list and clients a provider lacks', async () => {
    await expect(
      startAuthorize(
        deps,
        {
          provider: 'wechat',
          redirectUri: `${REDIRECT}/../evil`,
          client: 'web',
          nonce: 'nonce-aaaaaaaaaaaaaaaa',
        },
        someone,
      ),
    ).rejects.toMatchObject({ code: 'redirect_uri_not_allowed' });
    await expect(
      startAuthorize(
        deps,
        {
          provider: 'qq',
          redirectUri: REDIRECT,
          client: 'wechat_browser',
          nonce: 'nonce-aaaaaaaaaaaaaaaa',
        },
        someone,
      ),
    ).rejects.toMatchObject({ code: 'oauth_client_unsupported' });
  });

  it('uses snsapi_userinfo in the WeChat browser and snsapi_login for QR', async () => {
    const qr = await startAuthorize(
      deps,
      {
        provider: 'wechat',
        redirectUri: REDIRECT,
        client: 'web',
        nonce: 'nonce-aaaaaaaaaaaaaaaa',
      },
      someone,
    );
    const inApp = await startAuthorize(
      deps,
      {
        provider: 'wechat',
        redirectUri: REDIRECT,
        client: 'wechat_browser',
        nonce: 'nonce-aaaaaaaaaaaaaaaa',
      },
      someone,
    );
    expect(qr.authorizeUrl).toContain('/connect/qrconnect?');
    expect(qr.authorizeUrl).toContain('scope=snsapi_login');
    expect(inApp.authorizeUrl).toContain('/connect/oauth2/authorize?');
    expect(inApp.authorizeUrl).toContain('scope=snsapi_userinfo');
    expect(inApp.authorizeUrl.endsWith('#wechat_redirect')).toBe(true);
  });
});

describe('phone binding and linking', () => {
  it("links to an existing account only after the code for that account's phone", async () => {
    const phone = '13922223333';
    const login = await sendCode(h.deps, {
      phone,
      purpose: 'login',
      sourceIp: '198.18.9.9',
      ipPrefix: '198.18.9.0/24',
    });
    const owner = await loginWithCode(h.deps, {
      challengeId: login.challengeId,
      phone,
      code: h.sms.lastCodeFor(`+86${phone}`),
      acceptPolicyVersion: POLICY,
      client: web,
    });
    const outcome = await completeCallback(deps, {
      provider: 'wechat',
      ...(await webLogin('wechat')),
      client: web,
    });
    const token = bindToken(outcome);
    h.clock.advance(61_000);
    const sent = await bindCode(phone);
    const wrong = sent.code === '000000' ? '111111' : '000000';
    await expect(
      bindPhone(deps, { bindToken: token, challengeId: sent.challengeId, phone, code: wrong, client: web }),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    expect(await listIdentities(deps, { userId: owner.user.id, sessionId: 's', amr: [] })).toEqual([]);
    const bound = await bindPhone(deps, { bindToken: token, ...sent, phone, client: web });
    expect(bound.user).toMatchObject({ id: owner.user.id, isNew: false });
    expect(await listIdentities(deps, { userId: owner.user.id, sessionId: 's', amr: [] })).toEqual([
      { provider: 'wechat', linkedAt: expect.any(String), nickname: '小红' },
    ]);
    await expect(bindPhone(deps, { bindToken: token, ...sent, phone, client: web })).rejects.toMatchObject({
      code: 'bind_token_invalid',
    });
  });

  it('creates one account from two concurrent first logins with one unionid', async () => {
    const a = bindToken(
      await completeCallback(deps, { provider: 'wechat', ...(await webLogin('wechat')), client: web }),
    );
    const b = bindToken(
      await completeCallback(deps, {
        provider: 'wechat',
        ...(await webLogin('wechat', 'wechat_browser')),
        client: web,
      }),
    );
    const codeA = await bindCode('13933334444');
    const codeB = await bindCode('13933335555');
    const results = await Promise.allSettled([
      bindPhone(deps, {
        bindToken: a,
        ...codeA,
        phone: '13933334444',
        acceptPolicyVersion: POLICY,
        client: web,
      }),
      bindPhone(deps, {
        bindToken: b,
        ...codeB,
        phone: '13933335555',
        acceptPolicyVersion: POLICY,
        client: web,
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason.code).toBe('identity_linked_elsewhere');
    const raw = await rawTableText(client, h.tableName);
    expect(raw.match(/"sk":\{"S":"PROFILE"\}/g)).toHaveLength(1);
  });

  it('recognises the same WeChat person across our apps by unionid (app and web)', async () => {
    const web1 = await completeCallback(deps, {
      provider: 'wechat',
      ...(await webLogin('wechat')),
      client: web,
    });
    const bound = await bindPhone(deps, {
      bindToken: bindToken(web1),
      ...(await bindCode('13944445555')),
      phone: '13944445555',
      acceptPolicyVersion: POLICY,
      client: web,
    });
    const appCode = standins.wechat.issueCode(exampleConfig.oauth.providers.wechat.appIds.app as string);
    const viaApp = await completeApp(deps, { provider: 'wechat', code: appCode, client: web });
    expect('user' in viaApp && viaApp.user.id).toBe(bound.user.id);
  });

  it('keys Weibo (no unionid) by app id and uid: another app of ours is another identity', async () => {
    const first = await completeCallback(deps, {
      provider: 'weibo',
      ...(await webLogin('weibo')),
      client: web,
    });
    await bindPhone(deps, {
      bindToken: bindToken(first),
      ...(await bindCode('13955556666')),
      phone: '13955556666',
      acceptPolicyVersion: POLICY,
      client: web,
    });
    const appCode = standins.weibo.issueCode(exampleConfig.oauth.providers.weibo.appIds.app as string);
    expect(await completeApp(deps, { provider: 'weibo', code: appCode, client: web })).toMatchObject({
      next: 'bind_phone',
    });
  });

  it("links from settings only with a step-up code to the account's own phone, and unlinks", async () => {
    const phone = '13966667777';
    const sent = await sendCode(h.deps, {
      phone,
      purpose: 'login',
      sourceIp: '198.18.1.1',
      ipPrefix: '198.18.1.0/24',
    });
    const login = await loginWithCode(h.deps, {
      challengeId: sent.challengeId,
      phone,
      code: h.sms.lastCodeFor(`+86${phone}`),
      acceptPolicyVersion: POLICY,
      client: web,
    });
    const who = await authenticate(h.deps, `Bearer ${login.accessToken}`);

    const other = await sendCode(h.deps, {
      phone: '13966668888',
      purpose: 'step_up',
      sourceIp: '198.18.2.1',
      ipPrefix: '198.18.2.0/24',
    });
    const qq = await webLogin('qq');
    await expect(
      linkFromSettings(
        deps,
        who,
        {
          provider: 'qq',
          ...qq,
          challengeId: other.challengeId,
          phone: '13966668888',
          otp: h.sms.lastCodeFor('+8613966668888'),
        },
        web,
      ),
    ).rejects.toMatchObject({ code: 'step_up_required' });

    const own = await sendCode(h.deps, {
      phone,
      purpose: 'step_up',
      sourceIp: '198.18.3.1',
      ipPrefix: '198.18.3.0/24',
    });
    const linked = await linkFromSettings(
      deps,
      who,
      { provider: 'qq', ...qq, challengeId: own.challengeId, phone, otp: h.sms.lastCodeFor(`+86${phone}`) },
      web,
    );
    expect(linked).toMatchObject({ provider: 'qq', nickname: '小红' });
    expect(
      (await completeCallback(deps, { provider: 'qq', ...(await webLogin('qq')), client: web })) as {
        user: { id: string };
      },
    ).toMatchObject({ user: { id: who.userId } });

    await unlinkIdentity(deps, who, 'qq');
    expect(await listIdentities(deps, who)).toEqual([]);
    await expect(unlinkIdentity(deps, who, 'qq')).rejects.toMatchObject({ code: 'link_not_found' });
    expect(
      await completeCallback(deps, { provider: 'qq', ...(await webLogin('qq')), client: web }),
    ).toMatchObject({ next: 'bind_phone' });
  });

  it('keeps openids, unionids and nicknames out of the table in plain', async () => {
    const outcome = await completeCallback(deps, { provider: 'qq', ...(await webLogin('qq')), client: web });
    await bindPhone(deps, {
      bindToken: bindToken(outcome),
      ...(await bindCode('13977778888')),
      phone: '13977778888',
      acceptPolicyVersion: POLICY,
      client: web,
    });
    const raw = await rawTableText(client, h.tableName);
    expect(raw).not.toContain('小红');
    expect(raw).not.toContain(Buffer.from('小红').toString('latin1'));
    expect(raw).not.toMatch(/"[ou][0-9a-f]{27}"/);
    expect(raw).not.toContain(bindToken(outcome));
  });
});
