import { request } from 'node:http';
import { lastMessage } from '../../bin/local/outbox';

export interface ApiCall {
  method?: string;
  body?: unknown;
  /** Sent as-is instead of `body` (malformed JSON, a form, nothing). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
  /**
   * A loopback source address to call from (`127.0.7.9`): the local server sees it as the
   * caller's address, as API Gateway would, so tests can play several networks on one machine.
   */
  from?: string;
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
    const method = init.method ?? (hasBody ? 'POST' : 'GET');
    const headers = {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    };
    const payload = hasBody ? (init.rawBody ?? JSON.stringify(init.body)) : undefined;
    const response = init.from
      ? await requestFrom(init.from, `${url()}${path}`, method, headers, payload)
      : await fetch(`${url()}${path}`, {
          method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
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

  async function sendCode(phone: string, purpose = 'login', from?: string) {
    const sent = await call('/v1/auth/sms/send', { body: { phone, purpose }, ...(from ? { from } : {}) });
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

  /** The consents a card needs and `person`'s real-name check: where most card flows start. */
  async function verifyAs(token: string, person: { name: string; idNumber: string }) {
    for (const purpose of ['sensitive_identity', 'medical_card'])
      await call('/v1/me/consents', { token, body: { purpose, policyVersion, accepted: true } });
    const verified = await call('/v1/me/identity/verify', { token, body: { ...person, idType: 'resident' } });
    if (verified.status !== 200) throw new Error(`verify ${verified.status} ${verified.text}`);
  }

  return { call, lastCode, sendCode, login, verifyAs };
}

/** One HTTP request from a given local address (fetch cannot choose its source address). */
function requestFrom(
  localAddress: string,
  target: string,
  method: string,
  headers: Record<string, string>,
  payload: string | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 0;
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers: answer }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
