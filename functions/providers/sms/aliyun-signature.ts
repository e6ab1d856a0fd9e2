import { createHmac } from 'node:crypto';

/**
 * Aliyun RPC-style request signing (SignatureVersion 1.0, HMAC-SHA1), as dysmsapi 2017-05-25
 * requires: percent-encode (RFC 3986) each key and value, sort by key, join, then sign
 * `METHOD&%2F&<encoded query>` with `<AccessKeySecret>&`.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function aliyunStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k] as string)}`)
    .join('&');
  return `${method.toUpperCase()}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
}

export function aliyunSignature(
  method: string,
  params: Readonly<Record<string, string>>,
  secret: string,
): string {
  return createHmac('sha1', `${secret}&`).update(aliyunStringToSign(method, params)).digest('base64');
}
