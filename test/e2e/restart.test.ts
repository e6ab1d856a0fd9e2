import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../bin/local/runtime';
import { identityFixtures } from '../../bin/local/standins/identity';
import { apiClient } from '../helpers/api-client';

/**
 * No job is lost between a write and its message: the follow-up of a committed card comes from
 * the table's stream and waits in a queue that outlives the process, as SQS outlives a Lambda.
 */
describe('a card pending when the runtime stops', () => {
  it('turns active and is announced after a restart, once the HIS is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'po-e2e-restart-'));
    const options = {
      port: 0,
      dataDir,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `e2e-restart-${Date.now()}`,
      jobs: { deletionsMs: 0, retentionMs: 0 },
    };
    let runtime: LocalRuntime = await startLocalRuntime(options);
    const { call, login, verifyAs } = apiClient(
      () => runtime.url,
      () => dataDir,
    );
    try {
      const { accessToken: token } = await login('13700008888');
      const person = identityFixtures[2] as { name: string; idNumber: string };
      await verifyAs(token, person);

      // The HIS is down: the card is committed pending, and the request answers 202.
      runtime.his.mode = 'down';
      const created = await call('/v1/me/cards', {
        token,
        headers: { 'idempotency-key': 'restart-1' },
        body: {
          hospitalId: 'h-pumch',
          relationship: '01',
          ...person,
          idType: '01',
          phone: '13700008888',
          insuranceType: '01',
        },
      });
      expect(created.status).toBe(202);
      const cardId = created.body.card.id as string;

      // The stream has turned the new card into a job; the runtime stops before it is due.
      await runtime.settle();
      await runtime.stop();
      const queued = join(dataDir, 'queues', 'registration');
      expect(existsSync(queued) && readdirSync(queued).filter((f) => f.endsWith('.json'))).toHaveLength(1);

      // A new runtime on the same data, with its HIS up: the job runs, the card turns active. The
      // access token from before still works: a new instance key, certified by the same root.
      runtime = await startLocalRuntime(options);
      await expect
        .poll(async () => (await call(`/v1/me/cards/${cardId}`, { token })).body.card?.status, {
          timeout: 15_000,
          interval: 250,
        })
        .toBe('active');
      await runtime.settle();
      const announced = runtime.webhooks.received.filter(
        (e) => e.type === 'card.created' && (e.body as { cardId: string }).cardId === cardId,
      );
      expect(announced).toHaveLength(1);
      expect(readdirSync(queued).filter((f) => f.endsWith('.json'))).toEqual([]);
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});
