import type { Random } from '../../auth/otp';
import type { SmsMessage, SmsSender } from '../../auth/ports';
import type { Clock } from '../../core/clock';
import { aliyunSignature } from './aliyun-signature';
import { SmsProviderError } from './message';

export interface AliyunSmsOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signName: string;
  readonly templateCode: string;
  readonly timeoutMs?: number;
}

/** Aliyun SMS (dysmsapi 2017-05-25 `SendSms`), RPC style: a signed form POST, a JSON answer. */
export class AliyunSmsSender implements SmsSender {
  readonly name = 'aliyun';
  readonly #options: AliyunSmsOptions;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(options: AliyunSmsOptions, clock: Clock, random: Random) {
    this.#options = options;
    this.#clock = clock;
    this.#random = random;
  }

  async send(message: SmsMessage): Promise<void> {
    const params: Record<string, string> = {
      AccessKeyId: this.#options.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      PhoneNumbers: message.phone.replace(/^\+86/, ''),
      RegionId: 'cn-hangzhou',
      SignName: this.#options.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: Buffer.from(this.#random.bytes(16)).toString('hex'),
      SignatureVersion: '1.0',
      TemplateCode: this.#options.templateCode,
      TemplateParam: JSON.stringify({ code: message.code }),
      Timestamp: this.#clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    params.Signature = aliyunSignature('POST', params, this.#options.accessKeySecret);
    let body: { Code?: string };
    try {
      const response = await fetch(this.#options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 3000),
      });
      body = (await response.json()) as { Code?: string };
    } catch (cause) {
      throw new SmsProviderError(this.name, 'network', { cause });
    }
    if (body.Code !== 'OK') throw new SmsProviderError(this.name, body.Code ?? 'unknown');
  }
}
