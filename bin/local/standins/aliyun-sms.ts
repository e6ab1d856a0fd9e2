import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, type StandinServer, sendJson } from './http';

export interface ReceivedSms {
  readonly phone: string;
  readonly templateCode: string;
  readonly params: Record<string, string>;
}

// RFC 3986 with Java URLEncoder quirks fixed, as Aliyun documents it.
const encode = (s: string) =>
  encodeURIComponent(s)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');

/**
 * An Alibaba Cloud RPC endpoint stand-in: checks the request as Aliyun does (signature 1.0 with
 * HMAC-SHA1, written here independently of the adapters' signer; a fresh SignatureNonce; a
 * timestamp within 15 minutes) and hands the parameters to the action, or answers Aliyun's error.
 */
export async function startAliyunRpcStandin(
  credentials: { accessKeyId: string; accessKeySecret: string },
  action: (params: Record<string, string>, res: ServerResponse, requestId: string) => void,
  /** Pages the provider serves besides its API (a face check page): true when one answered. */
  pages?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>,
): Promise<StandinServer> {
  const nonces = new Set<string>();
  return listen(async (req: IncomingMessage, res) => {
    if (pages && (await pages(req, res))) return;
    const body = await readBody(req);
    const params = Object.fromEntries(
      new URLSearchParams(req.method === 'POST' ? body : (req.url ?? '').split('?')[1]),
    );
    const requestId = randomUUID();
    const fail = (status: number, code: string) =>
      sendJson(res, status, { RequestId: requestId, Code: code, Message: code });
    if (params.AccessKeyId !== credentials.accessKeyId) return fail(404, 'InvalidAccessKeyId.NotFound');
    const pairs = Object.entries(params)
      .filter(([k]) => k !== 'Signature')
      .map(([k, v]) => [encode(k), encode(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
    const toSign = `${req.method}&%2F&${encode(query)}`;
    const expected = createHmac('sha1', `${credentials.accessKeySecret}&`).update(toSign).digest('base64');
    if (params.Signature !== expected) return fail(400, 'SignatureDoesNotMatch');
    if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return fail(400, 'SignatureNonceUsed');
    nonces.add(params.SignatureNonce);
    const skew = Math.abs(Date.parse(params.Timestamp ?? '') - Date.now());
    if (!(skew < 15 * 60_000)) return fail(400, 'InvalidTimeStamp.Expired');
    action(params, res, requestId);
  });
}

/** Stand-in for Aliyun dysmsapi 2017-05-25 SendSms. */
export async function startAliyunSmsStandin(credentials: { accessKeyId: string; accessKeySecret: string }) {
  const received: ReceivedSms[] = [];
  let failWith: string | undefined;
  const server = await startAliyunRpcStandin(credentials, (params, res, requestId) => {
    const fail = (status: number, code: string) =>
      sendJson(res, status, { RequestId: requestId, Code: code, Message: code });
    if (params.Action !== 'SendSms' || params.Version !== '2017-05-25')
      return fail(400, 'InvalidAction.NotFound');
    if (!/^1\d{10}$/.test(params.PhoneNumbers ?? '')) return fail(200, 'isv.MOBILE_NUMBER_ILLEGAL');
    if (failWith) return fail(200, failWith);
    received.push({
      phone: params.PhoneNumbers as string,
      templateCode: params.TemplateCode ?? '',
      params: JSON.parse(params.TemplateParam ?? '{}') as Record<string, string>,
    });
    sendJson(res, 200, { Message: 'OK', RequestId: requestId, BizId: `${Date.now()}^0`, Code: 'OK' });
  });
  return {
    url: server.url,
    received,
    /** Answer every send with this Aliyun error code (e.g. `isv.BUSINESS_LIMIT_CONTROL`), or succeed again. */
    failWith(code: string | undefined) {
      failWith = code;
    },
    close: server.close,
  };
}
