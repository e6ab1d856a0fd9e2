import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http';

/**
 * The face check both liveness stand-ins run: a page on the stand-in's own origin where a person
 * (or the browser test) chooses what happens, as if the camera had seen it. Outcomes also follow
 * the person (bin/local/standins/identity.ts): a name and number the fixtures do not match fail
 * the comparison; the people in `withoutPhoto` have no photo on record.
 */
export type Choice = 'pass' | 'not_live' | 'other_person' | 'abandon';

export interface LivenessSession {
  readonly provider: 'tencent' | 'aliyun';
  readonly token: string;
  readonly name: string;
  readonly idNumber: string;
  readonly returnUrl: string | undefined;
  opened: boolean;
  choice: Choice | undefined;
  /** Set by a test: the provider's deadline has passed. */
  expired: boolean;
}

/** Markers a provider's image or video would carry: a test proves none reaches our table or logs. */
export const FACE_IMAGE_MARKER = 'FACEIMAGE-STANDIN-7f3a';

export class LivenessSessions {
  readonly #sessions = new Map<string, LivenessSession>();
  readonly #provider: 'tencent' | 'aliyun';
  /** What the provider was asked, for tests: the fields only, never a photo. */
  readonly started: Array<{ name: string; idNumber: string; returnUrl: string | undefined }> = [];

  constructor(provider: 'tencent' | 'aliyun') {
    this.#provider = provider;
  }

  open(input: { name: string; idNumber: string; returnUrl: string | undefined }): LivenessSession {
    const token = this.#provider === 'tencent' ? randomUUID().toUpperCase() : randomBytes(16).toString('hex'); // a CertifyId: 32 hex characters
    const session: LivenessSession = {
      provider: this.#provider,
      token,
      ...input,
      opened: false,
      choice: undefined,
      expired: false,
    };
    this.#sessions.set(token, session);
    this.started.push(input);
    return session;
  }

  get(token: string): LivenessSession | undefined {
    return this.#sessions.get(token);
  }

  /** Plays the person without a browser: what clicking a button on the page does. */
  complete(token: string, choice: Choice): void {
    const session = this.#sessions.get(token);
    if (!session) throw new Error(`no liveness session ${token}`);
    session.opened = true;
    session.choice = choice;
  }

  expire(token: string): void {
    const session = this.#sessions.get(token);
    if (session) session.expired = true;
  }

  /** The most recent session (tests drive the check they just started). */
  latest(): LivenessSession | undefined {
    return [...this.#sessions.values()].at(-1);
  }

  /**
   * The page routes: `GET <base>?token=` shows the choices, `POST <base>/complete` records one and
   * returns to the caller's page the way the provider does (with its own query parameters, which
   * our server never trusts).
   */
  async route(req: IncomingMessage, res: ServerResponse, base: string): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (req.method === 'GET' && url.pathname === base) {
      const session = this.#sessions.get(url.searchParams.get('token') ?? '');
      if (!session) return page(res, 404, '<p>核验已失效</p>');
      session.opened = true;
      const buttons = (
        [
          ['pass', '本人，完成核验'],
          ['not_live', '照片或视频（非活体）'],
          ['other_person', '换一个人'],
          ['abandon', '退出核验'],
        ] as const
      )
        .map(
          ([value, label]) =>
            `<button type="submit" name="choice" value="${value}" data-choice="${value}">${label}</button>`,
        )
        .join('');
      return page(
        res,
        200,
        `<h1>人脸核验（${session.provider === 'tencent' ? '腾讯云慧眼' : '阿里云实人认证'} 本地模拟）</h1>
<p>请正对屏幕，按提示眨眼。本页模拟摄像头看到的情形：</p>
<form method="post" action="${base}/complete"><input type="hidden" name="token" value="${session.token}">${buttons}</form>`,
      );
    }
    if (req.method === 'POST' && url.pathname === `${base}/complete`) {
      const form = new URLSearchParams(await readBody(req));
      const session = this.#sessions.get(form.get('token') ?? '');
      const choice = form.get('choice') as Choice | null;
      if (!session || !choice || !['pass', 'not_live', 'other_person', 'abandon'].includes(choice))
        return page(res, 400, '<p>无效请求</p>');
      session.choice = choice;
      if (!session.returnUrl) return page(res, 200, '<p>核验结束，请返回应用。</p>');
      const back = new URL(session.returnUrl);
      // What each provider appends on its way back; the server pulls the real outcome instead.
      if (session.provider === 'tencent') back.searchParams.set('token', session.token);
      else
        back.searchParams.set(
          'response',
          JSON.stringify({ code: choice === 'abandon' ? 1001 : 1000, certifyId: session.token }),
        );
      res.writeHead(302, { location: back.toString() });
      res.end();
      return true;
    }
    return false;
  }
}

function page(res: ServerResponse, status: number, body: string): true {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>人脸核验</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
  return true;
}
