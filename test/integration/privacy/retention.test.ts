import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { noMetrics } from '../../../functions/core/metrics';
import { DynamoConsentStore } from '../../../functions/kernel/consent/dynamo-consent-store';
import { DynamoRetentionStore } from '../../../functions/privacy/dynamo-retention-store';
import { purgeExpiredRecords, reportOverdueRequests } from '../../../functions/privacy/retention';
import type { QueuedRequest } from '../../../functions/privacy/rights-requests';
import { authHarness } from '../../helpers/auth-harness';
import { localDynamo } from '../../helpers/dynamo';

const DAY = 24 * 3600 * 1000;

describe('retention job against DynamoDB Local', () => {
  it('removes access data 30 days after a consent, and catches up after a gap; sessions expire by TTL', async () => {
    const client = localDynamo();
    const h = await authHarness(client);
    const consents = new DynamoConsentStore(h.table, h.audit);
    const start = h.clock.now().getTime();
    const entry = {
      userId: 'u-retention',
      purpose: 'sensitive_identity' as const,
      policyVersion: '2026-11-01',
      accepted: true,
      at: start,
      ipPrefix: '203.0.113.0/24',
      userAgent: 'Mozilla/5.0 (test)',
      by: 'self' as const,
    };
    const audited = (at: number) => ({ event: 'consent.changed', userId: entry.userId, at });
    await consents.record(entry, audited(start));
    await consents.record(
      { ...entry, purpose: 'medical_card', at: start + 10 * DAY },
      audited(start + 10 * DAY),
    );
    const session = {
      userId: 'u-retention',
      familyId: 'fam-1',
      currentHash: 'h',
      rotatedAt: start,
      createdAt: start,
      lastUsedAt: start,
      absoluteExpiresAt: start + 30 * DAY,
      amr: ['sms'],
      ipPrefix: '203.0.113.0/24',
      userAgent: 'Mozilla/5.0 (test)',
    };
    await h.sessions.putSession(session, { audit: { event: 'login.succeeded', at: start } });
    const deps = {
      clock: h.clock,
      store: new DynamoRetentionStore(h.table),
      requests: { listOpen: async () => [] },
      metrics: noMetrics,
    };

    // A session is an access record that goes whole: its TTL is its absolute end, no later.
    const stored = await client.send(
      new GetItemCommand({
        TableName: h.tableName,
        Key: marshall({ pk: 'USER#u-retention', sk: 'SESSION#fam-1' }),
      }),
    );
    expect(Number(unmarshall(stored.Item ?? {}).ttl)).toBe(Math.ceil(session.absoluteExpiresAt / 1000));

    // Day 29: nothing is due yet.
    h.clock.advance(29 * DAY);
    expect(await purgeExpiredRecords(deps)).toEqual({ stripped: 0 });

    // Day 31: the first consent's access data goes; the later consent keeps its own.
    h.clock.advance(2 * DAY);
    expect(await purgeExpiredRecords(deps)).toEqual({ stripped: 1 });
    const history = await consents.history('u-retention');
    const byPurpose = Object.fromEntries(history.map((c) => [c.purpose, c]));
    expect(byPurpose.sensitive_identity).toMatchObject({ accepted: true, policyVersion: '2026-11-01' });
    expect(byPurpose.sensitive_identity?.ipPrefix).toBeUndefined();
    expect(byPurpose.sensitive_identity?.userAgent).toBeUndefined();
    expect(byPurpose.medical_card?.ipPrefix).toBe('203.0.113.0/24');

    // A second run finds nothing more; a run after a long gap still reaches the later consent.
    expect(await purgeExpiredRecords(deps)).toEqual({ stripped: 0 });
    h.clock.advance(20 * DAY);
    expect(await purgeExpiredRecords(deps)).toEqual({ stripped: 1 });
    const watermark = await client.send(
      new GetItemCommand({ TableName: h.tableName, Key: marshall({ pk: 'JOB#retention', sk: 'WATERMARK' }) }),
    );
    expect(unmarshall(watermark.Item ?? {}).day).toBe(h.clock.now().toISOString().slice(0, 10));
  });

  it('counts open rights requests past their due date', async () => {
    const client = localDynamo();
    const h = await authHarness(client);
    const now = h.clock.now().getTime();
    const request = (id: string, dueAt: number): QueuedRequest => ({
      requestId: id,
      kind: 'other',
      receivedAt: now - 30 * DAY,
      dueAt,
    });
    const open = [request('late', now - 1), request('fine', now + DAY)];
    const counted: number[] = [];
    const overdue = await reportOverdueRequests({
      clock: h.clock,
      store: new DynamoRetentionStore(h.table),
      requests: { listOpen: async () => open },
      metrics: { count: (_name, value = 1) => void counted.push(value) },
    });
    expect(overdue).toBe(1);
    expect(counted).toEqual([1]);
  });
});
