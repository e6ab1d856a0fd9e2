import type { Clock } from '../../core/clock';
import type { Random } from '../../kernel/random';
import { callAliyunRpc } from '../aliyun-rpc';
import { noticeParams, SmsProviderError } from './message';
import type { NoticeKind, SmsMessage, SmsSender } from './ports';

export interface AliyunSmsOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signName: string;
  readonly templateCode: string;
  /** Registered templates of the notices, by notice. */
  readonly noticeTemplates: Readonly<Record<NoticeKind, string>>;
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
    let body: Record<string, unknown>;
    try {
      body = await callAliyunRpc({
        endpoint: this.#options.endpoint,
        accessKeyId: this.#options.accessKeyId,
        accessKeySecret: this.#options.accessKeySecret,
        action: 'SendSms',
        version: '2017-05-25',
        params: {
          PhoneNumbers: message.phone.replace(/^\+86/, ''),
          SignName: this.#options.signName,
          ...(message.kind === 'notice'
            ? {
                TemplateCode: this.#options.noticeTemplates[message.notice],
                TemplateParam: JSON.stringify(noticeParams(message)),
              }
            : {
                TemplateCode: this.#options.templateCode,
                TemplateParam: JSON.stringify({ code: message.code }),
              }),
        },
        clock: this.#clock,
        random: this.#random,
        ...(this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {}),
      });
    } catch (cause) {
      throw new SmsProviderError(this.name, 'network', { cause });
    }
    if (body.Code !== 'OK') throw new SmsProviderError(this.name, String(body.Code ?? 'unknown'));
  }
}
