import { ApiError, type Problem } from './api';
import { lang } from './i18n';

/** Where the captcha widget comes from: Tencent's TCaptcha.js, or the local stand-in's (build-time). */
declare const __CAPTCHA_SCRIPT__: string;

interface CaptchaResult {
  readonly ret: number;
  readonly ticket?: string | null;
  readonly randstr?: string;
}
type CaptchaWidget = new (
  appId: string,
  callback: (result: CaptchaResult) => void,
  options?: { userLanguage?: string },
) => { show(): void; destroy(): void };

let loading: Promise<CaptchaWidget> | undefined;

/** Loads the widget script once (Tencent asks that it be loaded from its address, not bundled). */
function widget(): Promise<CaptchaWidget> {
  loading ??= new Promise<CaptchaWidget>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = __CAPTCHA_SCRIPT__;
    script.onload = () => {
      const found = (window as unknown as { TencentCaptcha?: CaptchaWidget }).TencentCaptcha;
      if (found) resolve(found);
      else reject(new Error('captcha widget did not load'));
    };
    script.onerror = () => {
      loading = undefined;
      reject(new Error('captcha widget did not load'));
    };
    document.head.append(script);
  });
  return loading;
}

/** Shows the captcha the server asked for; `<ticket>:<randstr>` when solved, undefined when closed. */
export async function solveCaptcha(appId: string): Promise<string | undefined> {
  const Captcha = await widget();
  return new Promise((resolve) => {
    const captcha = new Captcha(
      appId,
      (result) => {
        if (result.ret === 0 && result.ticket && result.randstr)
          resolve(`${result.ticket}:${result.randstr}`);
        else resolve(undefined);
      },
      { userLanguage: lang() === 'en' ? 'en' : 'zh-cn' },
    );
    captcha.show();
  });
}

/**
 * Runs a request that may answer `captcha_required`: shows the captcha it names and sends again
 * with the ticket (at most twice: a busy network may raise the standard demand to the hard one).
 * Closing the captcha leaves the server's problem to show.
 */
export async function withCaptcha<T>(send: (captchaTicket?: string) => Promise<T>): Promise<T> {
  let ticket: string | undefined;
  for (let round = 0; ; round++) {
    try {
      return await send(ticket);
    } catch (error) {
      const problem: Problem | undefined = error instanceof ApiError ? error.problem : undefined;
      if (problem?.code !== 'captcha_required' || round >= 2) throw error;
      ticket = await solveCaptcha(String(problem.captchaAppId ?? ''));
      if (!ticket) throw error;
    }
  }
}
