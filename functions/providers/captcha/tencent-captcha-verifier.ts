import type { CaptchaVerifier } from '../../auth/ports';
import type { Clock } from '../../core/clock';
import { logger } from '../../core/logger';
import { callTencentApi } from '../tencent-tc3';

export interface TencentCaptchaOptions {
  readonly endpoint: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly captchaAppId: number;
  readonly appSecretKey: string;
}

/**
 * Tencent Captcha (API 2019-07-22 `DescribeCaptchaResult`). The client sends `<ticket>:<randstr>`
 * as captchaTicket; `CaptchaCode` 1 means the ticket is genuine, unused and from this user IP.
 */
export class TencentCaptchaVerifier implements CaptchaVerifier {
  readonly #options: TencentCaptchaOptions;
  readonly #clock: Clock;

  constructor(options: TencentCaptchaOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  async verify(captchaTicket: string, userIp: string): Promise<boolean> {
    const [ticket, randstr] = captchaTicket.split(':');
    if (!ticket || !randstr) return false;
    try {
      const response = await callTencentApi({
        endpoint: this.#options.endpoint,
        service: 'captcha',
        action: 'DescribeCaptchaResult',
        version: '2019-07-22',
        secretId: this.#options.secretId,
        secretKey: this.#options.secretKey,
        now: this.#clock.now(),
        body: {
          CaptchaType: 9,
          Ticket: ticket,
          Randstr: randstr,
          UserIp: userIp,
          CaptchaAppId: this.#options.captchaAppId,
          AppSecretKey: this.#options.appSecretKey,
        },
      });
      return response.CaptchaCode === 1;
    } catch (error) {
      // Fail closed: a captcha we cannot check does not pass.
      logger.warn('captcha check failed', { errorName: (error as Error).name });
      return false;
    }
  }
}
