import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
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

/** A CaptchaAppId and its AppSecretKey, as Tencent's console issues them. */
export interface CaptchaStandinApp {
  readonly appId: number;
  readonly appSecretKey: string;
}

/**
 * Stand-in for Tencent Captcha 2019-07-22 DescribeCaptchaResult, for two CaptchaAppIds (the
 * standard captcha and the hard one). `issue(ip, level)` plays a person solving the widget: it
 * returns the `<ticket>:<randstr>` a browser at that IP would get; each ticket passes once, at the
 * app that issued it (16 "appid-ticket mismatch" at another), from that IP (Tencent checks
 * UserIp), within 5 minutes. `puzzle`/`solve` back the local widget (bin/local/captcha-widget.ts).
 */
export async function startTencentCaptchaStandin(
  credentials: TencentCredentials,
  apps: { readonly standard: CaptchaStandinApp; readonly hard: CaptchaStandinApp },
) {
  const tickets = new Map<string, { randstr: string; ip: string; appId: number; at: number }>();
  const puzzles = new Map<string, { answer: string; appId: number; at: number }>();
  const byAppId = new Map([apps.standard, apps.hard].map((app) => [app.appId, app]));
  let verified = 0;
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
    const app = byAppId.get(input.CaptchaAppId ?? 0);
    if (!app || input.AppSecretKey !== app.appSecretKey) return answer(15, 'decrypt fail');
    const issued = tickets.get(input.Ticket ?? '');
    if (!issued) return answer(9, 'ticket reused');
    if (issued.appId !== app.appId) return answer(16, 'appid-ticket mismatch');
    if (issued.randstr !== input.Randstr) return answer(7, 'captcha no match');
    tickets.delete(input.Ticket ?? '');
    if (Date.now() - issued.at > 5 * 60_000) return answer(8, 'ticket expired');
    if (issued.ip !== input.UserIp) return answer(21, 'diff');
    verified++;
    answer(1, 'OK');
  });
  const issue = (ip: string, level: 'standard' | 'hard' = 'standard', appId = apps[level].appId): string => {
    const ticket = `tr${randomUUID().replaceAll('-', '')}`;
    const randstr = `@${randomUUID().slice(0, 6)}`;
    tickets.set(ticket, { randstr, ip, appId, at: Date.now() });
    return `${ticket}:${randstr}`;
  };
  return {
    url: server.url,
    apps,
    issue,
    /** Tickets that passed a check so far (a load run's `captchasSolved`). */
    get verified() {
      return verified;
    },
    /** A puzzle for the widget: four digits, drawn for the eye and spelled out for a screen reader. */
    puzzle(appId: number): { puzzleId: string; digits: string } | undefined {
      if (!byAppId.has(appId)) return undefined;
      const digits = String(randomInt(0, 10_000)).padStart(4, '0');
      const puzzleId = randomUUID();
      puzzles.set(puzzleId, { answer: digits, appId, at: Date.now() });
      return { puzzleId, digits };
    },
    /** The widget's answer: a ticket for the caller's address when it is right, once per puzzle. */
    solve(
      puzzleId: string,
      answer: string,
      ip: string,
    ): { ticket: string; randstr: string; appid: string } | undefined {
      const puzzle = puzzles.get(puzzleId);
      puzzles.delete(puzzleId);
      if (!puzzle || puzzle.answer !== answer.trim() || Date.now() - puzzle.at > 5 * 60_000) return undefined;
      const [ticket, randstr] = issue(ip, 'standard', puzzle.appId).split(':') as [string, string];
      return { ticket, randstr, appid: String(puzzle.appId) };
    },
    close: server.close,
  };
}
