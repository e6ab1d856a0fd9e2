import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { listen, readBody, sendJson } from './http';

/**
 * Checks a Tencent Cloud API 3.0 request (TC3-HMAC-SHA256) the way the gateway does; written here
 * independently of the adapters' signer so that a bug in one is caught by the other.
 */
export function verifyTc3(
  req: IncomingMessage,
  body: string,
  credentials: { secretId: string; secretKey: string },
  service: string,
): string | undefined {
  const header = req.headers.authorization ?? '';
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!m) return 'AuthFailure.SignatureFailure';
  const [, secretId, date, scopeService, signedHeaders, signature] = m as unknown as string[];
  if (secretId !== credentials.secretId) return 'AuthFailure.SecretIdNotFound';
  if (scopeService !== service) return 'AuthFailure.SignatureFailure';
  const timestamp = Number(req.headers['x-tc-timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(timestamp * 1000 - Date.now()) > 5 * 60_000)
    return 'AuthFailure.SignatureExpire';
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return 'AuthFailure.SignatureFailure';
  // Header names and values lower-cased and trimmed, as Tencent's canonical form requires.
  const headerLines = (signedHeaders as string)
    .split(';')
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .toLowerCase()}\n`,
    )
    .join('');
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n/\n\n${headerLines}\n${signedHeaders}\n${hash(body)}`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${hash(canonical)}`;
  let key: Buffer = createHmac('sha256', `TC3${credentials.secretKey}`)
    .update(date as string)
    .digest();
  key = createHmac('sha256', key).update(service).digest();
  key = createHmac('sha256', key).update('tc3_request').digest();
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === signature ? undefined : 'AuthFailure.SignatureFailure';
}

export const errorResponse = (code: string) => ({
  Response: { Error: { Code: code, Message: code }, RequestId: randomUUID() },
});

export interface TencentCredentials {
  readonly secretId: string;
  readonly secretKey: string;
}

/** Stand-in for Tencent Cloud SMS 2021-01-11 SendSms. */
export async function startTencentSmsStandin(credentials: TencentCredentials, sdkAppId: string) {
  const received: { phone: string; templateId: string; params: string[] }[] = [];
  let failWith: string | undefined;
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const failure = verifyTc3(req, body, credentials, 'sms');
    if (failure) return sendJson(res, 200, errorResponse(failure));
    if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') {
      return sendJson(res, 200, errorResponse('InvalidAction'));
    }
    const input = JSON.parse(body) as {
      PhoneNumberSet?: string[];
      SmsSdkAppId?: string;
      TemplateId?: string;
      TemplateParamSet?: string[];
    };
    if (input.SmsSdkAppId !== sdkAppId)
      return sendJson(res, 200, errorResponse('InvalidParameterValue.SdkAppIdNotExist'));
    if (failWith) return sendJson(res, 200, errorResponse(failWith));
    const statuses = (input.PhoneNumberSet ?? []).map((phone) => {
      received.push({ phone, templateId: input.TemplateId ?? '', params: input.TemplateParamSet ?? [] });
      return {
        SerialNo: randomUUID(),
        PhoneNumber: phone,
        Fee: 1,
        SessionContext: '',
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      };
    });
    sendJson(res, 200, { Response: { SendStatusSet: statuses, RequestId: randomUUID() } });
  });
  return {
    url: server.url,
    received,
    failWith(code: string | undefined) {
      failWith = code;
    },
    close: server.close,
  };
}

/**
 * Stand-in for Tencent Captcha 2019-07-22 DescribeCaptchaResult. `issue(ip)` plays the widget:
 * it returns the `<ticket>:<randstr>` a browser at that IP would get; each ticket passes once.
 */
export async function startTencentCaptchaStandin(
  credentials: TencentCredentials,
  app: { appId: number; appSecretKey: string },
) {
  const tickets = new Map<string, { randstr: string; ip: string }>();
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const failure = verifyTc3(req, body, credentials, 'captcha');
    if (failure) return sendJson(res, 200, errorResponse(failure));
    const input = JSON.parse(body) as {
      Ticket?: string;
      Randstr?: string;
      UserIp?: string;
      CaptchaAppId?: number;
      AppSecretKey?: string;
    };
    const answer = (code: number, msg: string) =>
      sendJson(res, 200, {
        Response: { CaptchaCode: code, CaptchaMsg: msg, EvilLevel: 0, RequestId: randomUUID() },
      });
    if (input.CaptchaAppId !== app.appId || input.AppSecretKey !== app.appSecretKey)
      return answer(15, 'decrypt fail');
    const issued = tickets.get(input.Ticket ?? '');
    if (!issued || issued.randstr !== input.Randstr) return answer(9, 'ticket invalid');
    tickets.delete(input.Ticket ?? '');
    if (issued.ip !== input.UserIp) return answer(16, 'user ip mismatch');
    answer(1, 'OK');
  });
  return {
    url: server.url,
    issue(ip: string): string {
      const ticket = `tr${randomUUID().replaceAll('-', '')}`;
      const randstr = `@${randomUUID().slice(0, 6)}`;
      tickets.set(ticket, { randstr, ip });
      return `${ticket}:${randstr}`;
    },
    close: server.close,
  };
}
