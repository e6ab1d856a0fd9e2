import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from './http';

/** The person a stand-in approves logins as. Change it to log in as someone else. */
export interface TestUser {
  /** Stable across a provider's apps, like a real account. */
  id: string;
  nickname: string;
  avatarUrl: string;
}

export interface OAuthStandin {
  readonly url: string;
  user: TestUser;
  /** A code as the provider's native SDK would hand the app (or a web approval would). */
  issueCode(appId: string, redirectUri?: string): string;
  /** Make the profile endpoint fail (provider-side error shape). */
  breakProfile: boolean;
  close(): Promise<void>;
}

interface IssuedCode {
  readonly appId: string;
  readonly user: TestUser;
  readonly redirectUri: string | undefined;
  readonly expiresAt: number;
  used: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const openIdFor = (user: TestUser, appId: string) => `o${digest(`${user.id}:${appId}`).slice(0, 27)}`;
const unionIdFor = (user: TestUser) => `u${digest(`union:${user.id}`).slice(0, 27)}`;

const defaultUser = (provider: string): TestUser => ({
  id: `${provider}-tester`,
  nickname: '测试用户',
  avatarUrl: `https://example.invalid/${provider}/avatar.png`,
});

/**
 * What every stand-in shares: an authorize page that shows who will be approved and a link that
 * approves (redirecting to redirect_uri with code and state), and single-use codes that expire.
 */
async function oauthServer(
  provider: string,
  options: {
    appSecrets: Readonly<Record<string, string>>;
    authorizePaths: readonly string[];
    codeTtlMs: number;
    api: (
      req: IncomingMessage,
      res: ServerResponse,
      url: URL,
      tools: {
        takeCode: (code: string, appId: string) => IssuedCode | 'invalid' | 'used' | 'expired';
        tokens: Map<string, { user: TestUser; appId: string }>;
        standin: OAuthStandin;
      },
    ) => Promise<boolean>;
  },
): Promise<OAuthStandin> {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, { user: TestUser; appId: string }>();
  const issue = (appId: string, user: TestUser, redirectUri: string | undefined) => {
    const code = randomUUID().replaceAll('-', '').toUpperCase();
    codes.set(code, {
      appId,
      user: { ...user },
      redirectUri,
      expiresAt: Date.now() + options.codeTtlMs,
      used: false,
    });
    return code;
  };
  const takeCode = (code: string, appId: string) => {
    const issued = codes.get(code);
    if (!issued || issued.appId !== appId) return 'invalid' as const;
    if (issued.used) return 'used' as const;
    if (issued.expiresAt <= Date.now()) return 'expired' as const;
    issued.used = true;
    return issued;
  };

  const standin: OAuthStandin = {
    url: '',
    user: defaultUser(provider),
    breakProfile: false,
    issueCode: (appId, redirectUri) => issue(appId, standin.user, redirectUri),
    close: async () => undefined,
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const appId = url.searchParams.get('appid') ?? url.searchParams.get('client_id') ?? '';
    if (req.method === 'GET' && options.authorizePaths.includes(url.pathname)) {
      if (!(appId in options.appSecrets)) return sendJson(res, 400, { error: 'unknown app' });
      const approve = new URL(url);
      approve.pathname = '/__approve';
      const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${provider} 授权</title>
<main><h1>${provider} 登录授权（本地模拟）</h1><p>应用 ${appId} 请求获取你的昵称和头像。</p>
<p><a id="approve" href="${approve.pathname}${approve.search}">以「${standin.user.nickname}」身份同意</a></p></main></html>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__approve') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const code = issue(appId, standin.user, redirectUri);
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: target.toString() });
      res.end();
      return;
    }
    if (!(await options.api(req, res, url, { takeCode, tokens, standin })))
      sendJson(res, 404, { error: 'not found' });
  });
  Object.assign(standin, { url: server.url, close: server.close });
  return standin;
}

/** WeChat: `sns/oauth2/access_token`, `sns/userinfo`; errors `{errcode, errmsg}` with HTTP 200; codes live 5 minutes. */
export function startWeChatStandin(appSecrets: Readonly<Record<string, string>>) {
  return oauthServer('wechat', {
    appSecrets,
    authorizePaths: ['/connect/qrconnect', '/connect/oauth2/authorize'],
    codeTtlMs: 5 * 60_000,
    api: async (_req, res, url, { takeCode, tokens, standin }) => {
      const q = url.searchParams;
      const error = (errcode: number, errmsg: string) => {
        sendJson(res, 200, { errcode, errmsg });
        return true;
      };
      if (url.pathname === '/sns/oauth2/access_token') {
        const appId = q.get('appid') ?? '';
        if (!(appId in appSecrets)) return error(40013, 'invalid appid');
        if (appSecrets[appId] !== q.get('secret')) return error(40125, 'invalid appsecret');
        const taken = takeCode(q.get('code') ?? '', appId);
        if (taken === 'used') return error(40163, 'code been used');
        if (taken === 'invalid' || taken === 'expired') return error(40029, 'invalid code');
        const accessToken = randomUUID();
        tokens.set(accessToken, { user: taken.user, appId });
        sendJson(res, 200, {
          access_token: accessToken,
          expires_in: 7200,
          refresh_token: randomUUID(),
          openid: openIdFor(taken.user, appId),
          scope: 'snsapi_login',
          unionid: unionIdFor(taken.user),
        });
        return true;
      }
      if (url.pathname === '/sns/userinfo') {
        const session = tokens.get(q.get('access_token') ?? '');
        if (!session || standin.breakProfile)
          return error(40001, 'invalid credential, access_token is invalid');
        if (q.get('openid') !== openIdFor(session.user, session.appId)) return error(40003, 'invalid openid');
        sendJson(res, 200, {
          openid: openIdFor(session.user, session.appId),
          nickname: session.user.nickname,
          sex: 0,
          province: '',
          city: '',
          country: 'CN',
          headimgurl: session.user.avatarUrl,
          privilege: [],
          unionid: unionIdFor(session.user),
        });
        return true;
      }
      return false;
    },
  });
}

/**
 * QQ Connect: token answers urlencoded (JSON with fmt=json) but errors as JSONP whatever was
 * asked; `oauth2.0/me` answers JSONP; `user/get_user_info` has `ret`. Codes live 10 minutes.
 */
export function startQqStandin(appSecrets: Readonly<Record<string, string>>) {
  const jsonp = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`callback( ${JSON.stringify(body)} );\n`);
    return true;
  };
  return oauthServer('qq', {
    appSecrets,
    authorizePaths: ['/oauth2.0/authorize'],
    codeTtlMs: 10 * 60_000,
    api: async (_req, res, url, { takeCode, tokens, standin }) => {
      const q = url.searchParams;
      if (url.pathname === '/oauth2.0/token') {
        const appId = q.get('client_id') ?? '';
        if (!(appId in appSecrets) || appSecrets[appId] !== q.get('client_secret')) {
          return jsonp(res, { error: 100016, error_description: 'access token check failed' });
        }
        const taken = takeCode(q.get('code') ?? '', appId);
        if (typeof taken === 'string')
          return jsonp(res, { error: 100019, error_description: 'code to access token error' });
        const accessToken = randomUUID().replaceAll('-', '').toUpperCase();
        tokens.set(accessToken, { user: taken.user, appId });
        const body = { access_token: accessToken, expires_in: '7776000', refresh_token: randomUUID() };
        if (q.get('fmt') === 'json') sendJson(res, 200, body);
        else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(new URLSearchParams(body).toString());
        }
        return true;
      }
      if (url.pathname === '/oauth2.0/me') {
        const session = tokens.get(q.get('access_token') ?? '');
        if (!session) return jsonp(res, { error: 100016, error_description: 'access token check failed' });
        jsonp(res, {
          client_id: session.appId,
          openid: openIdFor(session.user, session.appId),
          ...(q.get('unionid') === '1' ? { unionid: unionIdFor(session.user) } : {}),
        });
        return true;
      }
      if (url.pathname === '/user/get_user_info') {
        const session = tokens.get(q.get('access_token') ?? '');
        if (!session || standin.breakProfile || q.get('openid') !== openIdFor(session.user, session.appId)) {
          sendJson(res, 200, { ret: 1002, msg: 'need login' });
          return true;
        }
        sendJson(res, 200, {
          ret: 0,
          msg: '',
          nickname: session.user.nickname,
          gender: '未知',
          figureurl_qq_1: `${session.user.avatarUrl}?s=40`,
          figureurl_qq_2: `${session.user.avatarUrl}?s=100`,
        });
        return true;
      }
      return false;
    },
  });
}

/** Weibo: `POST oauth2/access_token` (form) gives the uid; `2/users/show.json` has `idstr`; errors have `error_code`. */
export function startWeiboStandin(appSecrets: Readonly<Record<string, string>>) {
  const uidFor = (user: TestUser) =>
    String(1_000_000_000 + (Number.parseInt(digest(user.id).slice(0, 8), 16) % 8_000_000_000));
  return oauthServer('weibo', {
    appSecrets,
    authorizePaths: ['/oauth2/authorize'],
    codeTtlMs: 10 * 60_000,
    api: async (req, res, url, { takeCode, tokens, standin }) => {
      const error = (status: number, code: number, message: string, request: string) => {
        sendJson(res, status, { error: message, error_code: code, request, error_uri: request });
        return true;
      };
      if (url.pathname === '/oauth2/access_token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const appId = form.get('client_id') ?? '';
        if (!(appId in appSecrets) || appSecrets[appId] !== form.get('client_secret')) {
          return error(400, 21324, 'invalid_client', '/oauth2/access_token');
        }
        const taken = takeCode(form.get('code') ?? '', appId);
        if (typeof taken === 'string') return error(400, 21325, 'invalid_grant', '/oauth2/access_token');
        const accessToken = `2.00${randomUUID().replaceAll('-', '')}`;
        tokens.set(accessToken, { user: taken.user, appId });
        sendJson(res, 200, {
          access_token: accessToken,
          remind_in: '157679999',
          expires_in: 157679999,
          uid: uidFor(taken.user),
          isRealName: 'true',
        });
        return true;
      }
      if (url.pathname === '/2/users/show.json') {
        const session = tokens.get(url.searchParams.get('access_token') ?? '');
        if (!session || standin.breakProfile)
          return error(403, 21332, 'invalid_access_token', '/2/users/show.json');
        const idstr = uidFor(session.user);
        sendJson(res, 200, {
          id: Number(idstr),
          idstr,
          screen_name: session.user.nickname,
          profile_image_url: `${session.user.avatarUrl}?s=50`,
          avatar_large: `${session.user.avatarUrl}?s=180`,
        });
        return true;
      }
      return false;
    },
  });
}
