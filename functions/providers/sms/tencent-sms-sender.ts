import type { Clock } from '../../core/clock';
import { callTencentApi } from '../tencent-tc3';
import { noticeParams, SmsProviderError } from './message';
import type { NoticeKind, SmsMessage, SmsSender } from './ports';

export interface TencentSmsOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly sdkAppId: string;
  readonly signName: string;
  readonly templateId: string;
  /** Registered templates of the notices, by notice. */
  readonly noticeTemplates: Readonly<Record<NoticeKind, string>>;
  readonly timeoutMs?: number;
}

interface SendStatus {
  readonly Code?: string;
}

/** Tencent Cloud SMS (API 2021-01-11 `SendSms`), signed with TC3-HMAC-SHA256. */
export class TencentSmsSender implements SmsSender {
  readonly name = 'tencent';
  readonly #options: TencentSmsOptions;
  readonly #clock: Clock;

  constructor(options: TencentSmsOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  async send(message: SmsMessage): Promise<void> {
    let response: Record<string, unknown>;
    try {
      response = await callTencentApi({
        endpoint: this.#options.endpoint,
        service: 'sms',
        action: 'SendSms',
        version: '2021-01-11',
        region: this.#options.region,
        secretId: this.#options.secretId,
        secretKey: this.#options.secretKey,
        now: this.#clock.now(),
        ...(this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {}),
        body: {
          PhoneNumberSet: [message.phone],
          SmsSdkAppId: this.#options.sdkAppId,
          SignName: this.#options.signName,
          ...(message.kind === 'notice'
            ? {
                TemplateId: this.#options.noticeTemplates[message.notice],
                TemplateParamSet: Object.values(noticeParams(message)),
              }
            : {
                TemplateId: this.#options.templateId,
                TemplateParamSet: [message.code, String(message.ttlMinutes)],
              }),
        },
      });
    } catch (cause) {
      throw new SmsProviderError(this.name, 'network', { cause });
    }
    const error = response.Error as { Code?: string } | undefined;
    if (error) throw new SmsProviderError(this.name, error.Code ?? 'unknown');
    const status = (response.SendStatusSet as SendStatus[] | undefined)?.[0];
    if (status?.Code !== 'Ok') throw new SmsProviderError(this.name, status?.Code ?? 'no_status');
  }
}
