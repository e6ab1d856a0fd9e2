import type { Clock } from '../../core/clock';
import { logger } from '../../core/logger';
import { callTencentApi } from '../tencent-tc3';
import type { CaptchaVerifier } from './ports';

interface CaptchaApp {
  readonly captchaAppId: number;
  readonly appSecretKey: string;
}

export interface TencentCaptchaOptions {
  readonly endpoint: string;
  readonly secretId: string;
  readonly secretKey: string;
  /** The standard captcha and the hard one (its own CaptchaAppId); without it, hard is standard. */
  readonly apps: { readonly standard: CaptchaApp; readonly hard?: CaptchaApp | undefined };
}

/**
 * Tencent Captcha (API 2019-07-22 `DescribeCaptchaResult`). The client sends `<ticket>:<randstr>`
 * as captchaTicket; `CaptchaCode` 1 means the ticket is genuine, unused and from this user IP.
 * A ticket belongs to the CaptchaAppId that issued it (16 otherwise), so a standard demand tries
 * the standard app and then the hard one; a hard demand only the hard one.
 */
export class TencentCaptchaVerifier implements CaptchaVerifier {
  readonly #options: TencentCaptchaOptions;
  readonly #clock: Clock;

  constructor(options: TencentCaptchaOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    if (!options.apps.hard)
      logger.warn('no hard captcha app configured: the hard level uses the standard one');
  }

  async verify(captchaTicket: string, userIp: string, level: 'standard' | 'hard'): Promise<boolean> {
    const [ticket, randstr] = captchaTicket.split(':');
    if (!ticket || !randstr) return false;
    const { standard, hard = standard } = this.#options.apps;
    const apps = level === 'hard' ? [hard] : [...new Set([standard, hard])];
    for (const app of apps) {
      if (await this.#check(app, ticket, randstr, userIp)) return true;
    }
    return false;
  }

  async #check(app: CaptchaApp, ticket: string, randstr: string, userIp: string): Promise<boolean> {
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
          CaptchaAppId: app.captchaAppId,
          AppSecretKey: app.appSecretKey,
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
