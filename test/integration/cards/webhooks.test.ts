import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../../bin/local/site';
import { startWebhookReceiver } from '../../../bin/local/standins/webhook-receiver';
import { DynamoEventFeed } from '../../../functions/cards/dynamo-event-feed';
import { DynamoWebhookDeadLetters } from '../../../functions/cards/dynamo-webhook-dead-letters';
import { listHospitalEvents } from '../../../functions/cards/event-feed';
import type { CardEvent } from '../../../functions/cards/events';
import { deliverWebhook, type WebhookDeps, type WebhookJob } from '../../../functions/cards/webhooks';
import { ManualClock } from '../../../functions/core/clock';
import { SealedTable } from '../../../functions/store/sealed-table';
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
    hospitals: exampleConfig.hospitals,
    clock,
    queue: { enqueue: async (job, delay) => void queued.push({ job, delay }) },
    url: (id) => `${receiver.url}${id}`,
    secret: () => secret,
    deadLetters: new DynamoWebhookDeadLetters(new SealedTable({ client, tableName }), clock),
    feed: new DynamoEventFeed(new SealedTable({ client, tableName })),
    maxAttempts: 3,
  };
  return { deps, queued, tableName, clock };
}

describe('hospital event feed (the pull side)', () => {
  it('keeps every event once, pages by cursor, serves only the caller’s hospital, and drops week-old events', async () => {
    const { deps, tableName, clock } = await harness();
    deps.url = () => undefined; // a hospital without a webhook still gets its feed
    const feedDeps = { clock, feed: new DynamoEventFeed(new SealedTable({ client, tableName })) };
    const at = (minute: number) =>
      new Date(Date.parse('2026-11-29T08:00:00.000Z') + minute * 60_000).toISOString();
    const events = [0, 1, 2].map((i) => ({ ...event, id: `evt-${i}`, time: at(i) }));
    for (const e of events) expect(await deliverWebhook(deps, { event: e, attempt: 1 })).toBe('no_webhook');
    // A retry of the first attempt's job writes the same item, not a second event.
    await deliverWebhook(deps, { event: events[0] as CardEvent, attempt: 1 });
    await deliverWebhook(deps, {
      event: { ...event, id: 'other', hospitalId: 'h-renji', time: at(3) },
      attempt: 1,
    });

    clock.advance(Date.parse(at(10)) - clock.now().getTime());
    const first = await listHospitalEvents(feedDeps, { hospitalId: 'h-pumch' }, { limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual(['evt-0', 'evt-1']);
    const second = await listHospitalEvents(
      feedDeps,
      { hospitalId: 'h-pumch' },
      { after: first.next ?? '', limit: 2 },
    );
    expect(second.events.map((e) => e.id)).toEqual(['evt-2']);
    const idle = await listHospitalEvents(feedDeps, { hospitalId: 'h-pumch' }, { after: second.next ?? '' });
    expect(idle).toEqual({ events: [], next: second.next });
    expect(
      (await listHospitalEvents(feedDeps, { hospitalId: 'h-renji' }, {})).events.map((e) => e.id),
    ).toEqual(['other']);

    clock.advance(7 * 24 * 3600 * 1000);
    expect((await listHospitalEvents(feedDeps, { hospitalId: 'h-pumch' }, {})).events).toEqual([]);
  });
});

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
