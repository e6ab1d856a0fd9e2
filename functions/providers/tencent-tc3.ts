import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 signing, TC3-HMAC-SHA256: canonical request over the method, path, query,
 * the signed headers (content-type, host, x-tc-action) and the body hash; a string to sign with
 * the credential scope `<date>/<service>/tc3_request`; a key derived from the secret by date and
 * service. Used by SMS (2021-01-11) and Captcha (2019-07-22).
 */
export interface Tc3Request {
  readonly secretId: string;
  readonly secretKey: string;
  readonly service: string;
  readonly host: string;
  readonly action: string;
  /** Epoch seconds, also sent as X-TC-Timestamp. */
  readonly timestamp: number;
  readonly payload: string;
  readonly contentType?: string;
}

const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: string | Buffer, value: string) =>
  createHmac('sha256', key).update(value, 'utf8').digest();

export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

export function tc3Signature(request: Tc3Request): {
  signature: string;
  credentialScope: string;
  signedHeaders: string;
} {
  const contentType = request.contentType ?? TC3_CONTENT_TYPE;
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${contentType}\nhost:${request.host}\nx-tc-action:${request.action.toLowerCase()}\n`,
    signedHeaders,
    sha256Hex(request.payload),
  ].join('\n');
  const credentialScope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(request.timestamp),
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const secretDate = hmac(`TC3${request.secretKey}`, date);
  const secretService = hmac(secretDate, request.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  const signature = createHmac('sha256', secretSigning).update(stringToSign, 'utf8').digest('hex');
  return { signature, credentialScope, signedHeaders };
}

export function tc3Authorization(request: Tc3Request): string {
  const { signature, credentialScope, signedHeaders } = tc3Signature(request);
  return `TC3-HMAC-SHA256 Credential=${request.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Calls a Tencent Cloud API 3.0 action and returns its `Response` object (errors thrown by caller). */
export async function callTencentApi(options: {
  readonly endpoint: string;
  readonly service: string;
  readonly action: string;
  readonly version: string;
  readonly region?: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly body: unknown;
  readonly now: Date;
  readonly timeoutMs?: number;
}): Promise<Record<string, unknown>> {
  const url = new URL(options.endpoint);
  const payload = JSON.stringify(options.body);
  const timestamp = Math.floor(options.now.getTime() / 1000);
  const authorization = tc3Authorization({
    secretId: options.secretId,
    secretKey: options.secretKey,
    service: options.service,
    host: url.host,
    action: options.action,
    timestamp,
    payload,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': TC3_CONTENT_TYPE,
      host: url.host,
      'x-tc-action': options.action,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': options.version,
      ...(options.region ? { 'x-tc-region': options.region } : {}),
    },
    body: payload,
    signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
  });
  const json = (await response.json()) as { Response?: Record<string, unknown> };
  if (!json.Response) throw new Error(`Tencent ${options.action}: no Response (HTTP ${response.status})`);
  return json.Response;
}
