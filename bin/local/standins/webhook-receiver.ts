import { createHmac, timingSafeEqual } from 'node:crypto';
import { listen, readBody, sendJson } from './http';

export interface ReceivedEvent {
  readonly hospitalId: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly attempt: number;
}

/**
 * A hospital's webhook endpoint for `npm start` and the tests: checks the signature and the
 * 5-minute window as a hospital should, records what arrived, prints one line per event, and can
 * be told to fail (to watch retries and dead letters).
 */
export async function startWebhookReceiver(
  secrets: Readonly<Record<string, string>>,
  print?: (line: string) => void,
) {
  const received: ReceivedEvent[] = [];
  const state = { failing: false };
  const server = await listen(async (req, res) => {
    const hospitalId = (req.url ?? '/').slice(1);
    const body = await readBody(req);
    const header = String(req.headers['x-po-signature'] ?? '');
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
    const secret = secrets[hospitalId];
    const expected = secret && t ? createHmac('sha256', secret).update(`${t}.${body}`).digest('hex') : '';
    const valid =
      v1 !== undefined &&
      expected.length === v1.length &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(v1));
    if (!valid || Math.abs(Number(t) * 1000 - Date.now()) > 5 * 60_000)
      return sendJson(res, 401, { error: 'bad signature' });
    if (state.failing) return sendJson(res, 503, { error: 'down' });
    const event = JSON.parse(body) as Record<string, unknown>;
    received.push({
      hospitalId,
      type: String(event.type),
      body: event,
      attempt: Number(req.headers['x-po-attempt'] ?? 1),
    });
    print?.(
      `webhook ${hospitalId}: ${String(event.type)} card ${String(event.cardId)} (${String(event.status)})`,
    );
    sendJson(res, 200, { ok: true });
  });
  return { url: server.url, received, state, close: server.close };
}
