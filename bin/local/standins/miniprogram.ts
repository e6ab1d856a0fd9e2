import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  localAlipayKeys,
  STANDIN_ALIPAY_MP,
  STANDIN_WECHAT_MP,
  STANDIN_WECHAT_MP_SECRET,
} from '../../../functions/providers/credentials';
import {
  alipayTimestamp,
  rsa2Sign,
  rsa2Verify,
  signContent,
} from '../../../functions/providers/miniprogram/alipay-gateway';
import { listen, readBody, sendJson } from './http';

const FIVE_MINUTES = 5 * 60_000;

interface WeChatUser {
  readonly openid: string;
  readonly unionid?: string;
}

/**
 * WeChat's mini-program server APIs as a stand-in: `sns/jscode2session`, `cgi-bin/stable_token`
 * and `wxa/business/getuserphonenumber`, each checking what WeChat checks (app id and secret, a
 * live access token, one-use five-minute codes). What `wx.login` and the phone button would give a
 * mini-program, tests get from `loginCode` and `phoneCode`.
 */
export async function startWeChatMiniProgramStandin() {
  const secret = STANDIN_WECHAT_MP_SECRET;
  const loginCodes = new Map<string, { appId: string; user: WeChatUser; issuedAt: number; used: boolean }>();
  const phoneCodes = new Map<
    string,
    { appId: string; phone: string; countryCode: string; issuedAt: number; used: boolean }
  >();
  const tokens = new Map<string, { token: string; expiresAt: number; revoked: boolean }>();
  let stableTokenCalls = 0;
  /** Every session_key handed out and every access token issued: a test proves none is stored or logged. */
  const sessionKeys: string[] = [];
  const issuedTokens: string[] = [];
  let failLoginWith: number | undefined;

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const error = (errcode: number, errmsg: string) =>
      sendJson(res, 200, { errcode, errmsg: `${errmsg}, rid: ${randomUUID().slice(0, 8)}` });

    if (req.method === 'GET' && url.pathname === '/sns/jscode2session') {
      const q = url.searchParams;
      if (q.get('appid') !== STANDIN_WECHAT_MP || q.get('secret') !== secret)
        return error(40125, 'invalid appsecret');
      if (q.get('grant_type') !== 'authorization_code') return error(40002, 'invalid grant_type');
      if (failLoginWith !== undefined) return error(failLoginWith, 'standin failure');
      const issued = loginCodes.get(q.get('js_code') ?? '');
      if (!issued || Date.now() - issued.issuedAt > FIVE_MINUTES) return error(40029, 'invalid code');
      if (issued.used) return error(40163, 'code been used');
      issued.used = true;
      const sessionKey = randomBytes(16).toString('base64');
      sessionKeys.push(sessionKey);
      return sendJson(res, 200, {
        openid: issued.user.openid,
        ...(issued.user.unionid ? { unionid: issued.user.unionid } : {}),
        session_key: sessionKey,
      });
    }

    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      const body = JSON.parse(await readBody(req)) as {
        grant_type?: string;
        appid?: string;
        secret?: string;
        force_refresh?: boolean;
      };
      if (body.grant_type !== 'client_credential') return error(40002, 'invalid grant_type');
      if (body.appid !== STANDIN_WECHAT_MP || body.secret !== secret)
        return error(40125, 'invalid appsecret');
      stableTokenCalls++;
      const current = tokens.get(body.appid);
      // As WeChat's stable token: the same token while it lasts, a new one only when forced.
      if (current && !body.force_refresh && current.expiresAt > Date.now())
        return sendJson(res, 200, {
          access_token: current.token,
          expires_in: Math.round((current.expiresAt - Date.now()) / 1000),
        });
      const fresh = {
        token: `ACCESS_${randomBytes(24).toString('base64url')}`,
        expiresAt: Date.now() + 7200_000,
        revoked: false,
      };
      tokens.set(body.appid, fresh);
      issuedTokens.push(fresh.token);
      return sendJson(res, 200, { access_token: fresh.token, expires_in: 7200 });
    }

    if (req.method === 'POST' && url.pathname === '/wxa/business/getuserphonenumber') {
      const token = url.searchParams.get('access_token') ?? '';
      const current = [...tokens.entries()].find(([, t]) => t.token === token);
      if (!current || current[1].revoked || current[1].expiresAt < Date.now())
        return error(40001, 'invalid credential, access_token is invalid or not latest');
      const body = JSON.parse(await readBody(req)) as { code?: string };
      const issued = phoneCodes.get(body.code ?? '');
      if (!issued || issued.used || Date.now() - issued.issuedAt > FIVE_MINUTES)
        return error(40029, 'invalid code');
      issued.used = true;
      return sendJson(res, 200, {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: issued.countryCode === '86' ? issued.phone : `+${issued.countryCode}${issued.phone}`,
          purePhoneNumber: issued.phone,
          countryCode: issued.countryCode,
          watermark: { timestamp: Math.floor(Date.now() / 1000), appid: issued.appId },
        },
      });
    }
    sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
  });

  return {
    url: server.url,
    appId: STANDIN_WECHAT_MP,
    /** What `wx.login` gives the mini-program of this person. */
    loginCode(user: WeChatUser, options: { appId?: string } = {}): string {
      const code = randomBytes(16).toString('hex');
      loginCodes.set(code, {
        appId: options.appId ?? STANDIN_WECHAT_MP,
        user,
        issuedAt: Date.now(),
        used: false,
      });
      return code;
    },
    /** What the phone-number button gives; `appId` of another app plays a code obtained elsewhere, `issuedAt` an old one. */
    phoneCode(
      phone: string,
      options: { appId?: string; countryCode?: string; issuedAt?: number } = {},
    ): string {
      const code = randomBytes(32).toString('hex');
      phoneCodes.set(code, {
        appId: options.appId ?? STANDIN_WECHAT_MP,
        phone,
        countryCode: options.countryCode ?? '86',
        issuedAt: options.issuedAt ?? Date.now(),
        used: false,
      });
      return code;
    },
    sessionKeys,
    issuedTokens,
    /** How many times stable_token was called (the access token is to be shared, not fetched per request). */
    get stableTokenCalls() {
      return stableTokenCalls;
    },
    /** WeChat stops accepting the current access token (40001) though stable_token still returns it. */
    revokeToken(): void {
      const current = tokens.get(STANDIN_WECHAT_MP);
      if (current) current.revoked = true;
    },
    /** jscode2session answers this errcode (45011, 40226, -1), or works again. */
    failLogins(errcode: number | undefined): void {
      failLoginWith = errcode;
    },
    close: server.close,
  };
}

/**
 * Alipay's open platform gateway as a stand-in for `alipay.system.oauth.token`: the request's RSA2
 * signature checked with the app's public key, answers signed with Alipay's private key, one-use
 * auth codes. `phonePayload` builds what `my.getPhoneNumber` returns: the result encrypted with
 * the app's AES key (CBC, zero IV) and signed by Alipay.
 */
export async function startAlipayMiniProgramStandin() {
  // Made on first use, not at start: RSA key generation costs about 300 ms.
  const keys = () => localAlipayKeys();
  const authCodes = new Map<string, { appId: string; userId: string; openId: string; used: boolean }>();
  const answer = (node: string, content: Record<string, unknown>) => {
    const text = JSON.stringify(content);
    return `{"${node}":${text},"sign":"${rsa2Sign(text, keys().alipay.privateKey)}"}`;
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (req.method !== 'POST' || url.pathname !== '/gateway.do') return sendJson(res, 404, {});
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const send = (text: string) => {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(text);
    };
    const fail = (code: string, msg: string, sub_code: string, sub_msg: string) =>
      send(answer('error_response', { code, msg, sub_code, sub_msg }));
    if (params.app_id !== STANDIN_ALIPAY_MP)
      return fail('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
    if (
      params.sign_type !== 'RSA2' ||
      !rsa2Verify(signContent(params), params.sign ?? '', keys().app.publicKey)
    )
      return fail('40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错');
    const skew = Math.abs(Date.parse(`${(params.timestamp ?? '').replace(' ', 'T')}+08:00`) - Date.now());
    if (!(skew < 15 * 60_000))
      return fail('40002', 'Invalid Arguments', 'isv.invalid-timestamp', '非法的时间戳参数');
    if (params.method !== 'alipay.system.oauth.token' || params.version !== '1.0')
      return fail('40004', 'Business Failed', 'isv.invalid-method', '不存在的方法名');
    if (params.grant_type !== 'authorization_code')
      return fail('40002', 'Invalid Arguments', 'isv.grant-type-invalid', 'grant_type无效');
    const issued = authCodes.get(params.code ?? '');
    if (!issued || issued.used || issued.appId !== params.app_id)
      return fail('40002', 'Invalid Arguments', 'isv.code-invalid', '授权码code无效');
    issued.used = true;
    return send(
      answer('alipay_system_oauth_token_response', {
        user_id: issued.userId,
        open_id: issued.openId,
        access_token: `authusrB${randomBytes(16).toString('hex')}`,
        expires_in: '1296000',
        refresh_token: `authusrB${randomBytes(16).toString('hex')}`,
        re_expires_in: '2592000',
        auth_start: alipayTimestamp(new Date()),
      }),
    );
  });

  return {
    url: `${server.url}gateway.do`,
    appId: STANDIN_ALIPAY_MP,
    /** What `my.getAuthCode` gives the mini-program of this person. */
    authCode(user: { userId: string; openId: string }): string {
      const code = randomBytes(16).toString('hex');
      authCodes.set(code, { appId: STANDIN_ALIPAY_MP, ...user, used: false });
      return code;
    },
    /**
     * `my.getPhoneNumber`'s `response`: `code` other than 10000 plays a refused authorization;
     * `tamper` changes the ciphertext after signing (the signature no longer holds).
     */
    phonePayload(mobile: string, options: { code?: string; tamper?: boolean } = {}): string {
      const content =
        (options.code ?? '10000') === '10000'
          ? { code: '10000', msg: 'Success', mobile }
          : {
              code: options.code,
              msg: 'Insufficient Conditions',
              subCode: 'isv.invalid-auth-relations',
              subMsg: '无效的授权关系',
            };
      const key = Buffer.from(keys().aesKey, 'base64');
      const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
      const encrypted = Buffer.concat([
        cipher.update(JSON.stringify(content), 'utf8'),
        cipher.final(),
      ]).toString('base64');
      const sign = rsa2Sign(`"${encrypted}"`, keys().alipay.privateKey);
      const response = options.tamper ? `${encrypted.slice(0, -4)}AAA=` : encrypted;
      return JSON.stringify({ response, sign, sign_type: 'RSA2', encrypt_type: 'AES', charset: 'UTF-8' });
    },
    close: server.close,
  };
}
