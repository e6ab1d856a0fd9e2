import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../../bin/local/standins/webhook-receiver';
import type { CardEvent } from '../../../functions/cards/events';
import {
  DynamoWebhookDeadLetters,
  deliverWebhook,
  type WebhookDeps,
  type WebhookJob,
} from '../../../functions/cards/webhooks';
import { ManualClock } from '../../../functions/core/clock';
import { stages } from '../../../functions/core/config';
import { freshTable, localDynamo, rawTableText } from '../../helpers/dynamo';

const client = localDynamo();
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const secrets = { 'h-pumch': 'pumch-webhook-secret' };

beforeAll(async () => {
  receiver = await startWebhookReceiver(secrets);
});
afterAll(async () => {
  await receiver.close();
  client.destroy();
});

const event: CardEvent = {
  id: 'evt-1',
  type: 'card.created',
  time: '2026-11-29T08:00:00.000Z',
  hospitalId: 'h-pumch',
  cardId: 'card-123',
  status: 'active',
  relationship: '52',
};

async function harness(secret = secrets['h-pumch']) {
  const tableName = await freshTable(client, 'webhooks');
  const queued: { job: WebhookJob; delay: number }[] = [];
  const clock = new ManualClock(new Date());
  const deps: WebhookDeps = {
    hospitals: stages.prod.hospitals,
    clock,
    queue: { enqueue: async (job, delay) => void queued.push({ job, delay }) },
    url: (id) => `${receiver.url}${id}`,
    secret: () => secret,
    deadLetters: new DynamoWebhookDeadLetters(client, tableName, clock),
    maxAttempts: 3,
  };
  return { deps, queued, tableName };
}

describe('deliverWebhook', () => {
  it('delivers a signed event the hospital can verify', async () => {
    const { deps } = await harness();
    expect(await deliverWebhook(deps, { event, attempt: 1 })).toBe('delivered');
    expect(receiver.received.at(-1)).toMatchObject({
      hospitalId: 'h-pumch',
      type: 'card.created',
      body: event,
    });
  });

  it('is refused by the hospital when signed with the wrong secret, and retried', async () => {
    const { deps, queued } = await harness('not-the-secret');
    const before = receiver.received.length;
    expect(await deliverWebhook(deps, { event, attempt: 1 })).toBe('retrying');
    expect(receiver.received.length).toBe(before);
    expect(queued).toEqual([{ job: { event, attempt: 2 }, delay: 10 }]);
  });

  it('backs off while the hospital is down and dead-letters after the last attempt', async () => {
    const { deps, queued, tableName } = await harness();
    receiver.state.failing = true;
    try {
      expect(await deliverWebhook(deps, { event, attempt: 1 })).toBe('retrying');
      expect(await deliverWebhook(deps, { event, attempt: 2 })).toBe('retrying');
      expect(queued.map((q) => q.delay)).toEqual([10, 20]);
      expect(await deliverWebhook(deps, { event, attempt: 3 })).toBe('dead');
    } finally {
      receiver.state.failing = false;
    }
    const raw = await rawTableText(client, tableName);
    expect(raw).toContain('WEBHOOKDEAD#h-pumch');
    expect(raw).toContain('http_503');
  });
});
