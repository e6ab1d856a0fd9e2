import { lastMessage } from '../../bin/local/outbox';

export interface ApiCall {
  method?: string;
  body?: unknown;
  /** Sent as-is instead of `body` (malformed JSON, a form, nothing). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  readonly status: number;
  readonly type: string | null;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, asserted field by field
  readonly body: any;
}

/**
 * What the end-to-end tests need of a running local API: JSON calls, the SMS outbox's codes and
 * a login. `dataDir` is the runtime's data directory (where the outbox is).
 */
export function apiClient(url: () => string, dataDir: () => string, policyVersion = '2026-11-01') {
  async function call(path: string, init: ApiCall = {}): Promise<ApiResponse> {
    const hasBody = init.body !== undefined || init.rawBody !== undefined;
    const response = await fetch(`${url()}${path}`, {
      method: init.method ?? (hasBody ? 'POST' : 'GET'),
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(hasBody ? { body: init.rawBody ?? JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      headers: response.headers,
      text,
      body,
    };
  }

  const lastCode = (phone: string) => lastMessage(dataDir(), `+86${phone}`).code;

  async function sendCode(phone: string, purpose = 'login') {
    const sent = await call('/v1/auth/sms/send', { body: { phone, purpose } });
    if (sent.status !== 202) throw new Error(`send ${purpose} to ${phone}: ${sent.status} ${sent.text}`);
    return { challengeId: sent.body.challengeId as string, code: lastCode(phone) };
  }

  async function login(phone: string) {
    const { challengeId, code } = await sendCode(phone, 'login');
    const response = await call('/v1/auth/sms/verify', {
      body: { challengeId, phone, code, acceptPolicyVersion: policyVersion },
    });
    if (response.status !== 200) throw new Error(`login ${phone}: ${response.status} ${response.text}`);
    return response.body as {
      accessToken: string;
      refreshToken: string;
      user: { id: string; isNew: boolean };
    };
  }

  return { call, lastCode, sendCode, login };
}
