import type { Clock } from '../core/clock';
import type { Random } from '../kernel/random';
import { aliyunSignature } from './sms/aliyun-signature';

export interface AliyunRpcRequest {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly action: string;
  readonly version: string;
  readonly params: Readonly<Record<string, string>>;
  readonly clock: Clock;
  readonly random: Random;
  readonly timeoutMs?: number;
}

/**
 * Calls an Alibaba Cloud RPC-style API (dysmsapi, cloudauth): common parameters, signature 1.0
 * (HMAC-SHA1), a form POST, a JSON answer. Network failures and timeouts throw.
 */
export async function callAliyunRpc(request: AliyunRpcRequest): Promise<Record<string, unknown>> {
  const params: Record<string, string> = {
    AccessKeyId: request.accessKeyId,
    Action: request.action,
    Format: 'JSON',
    RegionId: 'cn-hangzhou',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: Buffer.from(request.random.bytes(16)).toString('hex'),
    SignatureVersion: '1.0',
    Timestamp: request.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    Version: request.version,
    ...request.params,
  };
  params.Signature = aliyunSignature('POST', params, request.accessKeySecret);
  const response = await fetch(request.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(request.timeoutMs ?? 3000),
  });
  return (await response.json()) as Record<string, unknown>;
}
