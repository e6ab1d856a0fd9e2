import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../bin/local/ensure-table';
import { exampleConfig } from '../bin/local/site';
import { startHisStandin } from '../bin/local/standins/his';
import { DynamoChallengeStore } from '../functions/auth/dynamo-challenge-store';
import { createCard } from '../functions/cards/card-service';
import { DynamoCardStore } from '../functions/cards/dynamo-card-store';
import type { CardsDeps } from '../functions/cards/ports';
import { ManualClock } from '../functions/core/clock';
import { noMetrics } from '../functions/core/metrics';
import { BlindIndexer } from '../functions/crypto/blind-index';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import { DynamoIdentityStore } from '../functions/identity/dynamo-identity-store';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { DynamoConsentStore } from '../functions/kernel/consent/dynamo-consent-store';
import { checkCharacter } from '../functions/kernel/person/id-number';
import { DynamoRateLimiter } from '../functions/kernel/rate/dynamo-rate-limiter';
import { standinCredentials } from '../functions/providers/credentials';
import { FhirHisClient } from '../functions/providers/his/fhir-his-client';
import { keys as tableKeys } from '../functions/store/keys';
import { SealedTable } from '../functions/store/sealed-table';
import { meterDynamo } from './call-meter';
import { hottest, median, round, summarise } from './stats';

/**
 * Card creation through the use case with the real DynamoDB adapters and the FHIR adapter
 * against the stand-in HIS: DynamoDB calls and capacity per card, latency. Accounts are set up
 * as verified directly in the table (what the login and real-name features leave behind).
 */
export async function benchCards(endpoint: string, accounts = 20, cardsPerAccount = 5) {
  const work = mkdtempSync(join(tmpdir(), 'po-bench-cards-'));
  const tableName = `bench-cards-${Date.now()}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  await ensureTable(client, tableName);
  const keys = loadLocalKeyMaterial(join(work, 'keys.json'), {});
  const table = new SealedTable({
    client,
    tableName,
    sealer: new EncryptingSealer(keys.keyring, exampleConfig.dataKeyCache),
  });
  const indexer = new BlindIndexer(keys.indexKey);
  const his = await startHisStandin({
    fhirToken: standinCredentials.his['h-pumch'] as string,
    jsonClients: {},
  });
  const random = { int: randomInt, bytes: (k: number) => new Uint8Array(randomBytes(k)) };
  const audit = new DynamoAuditLog(table, random, keys.auditKey);
  const deps: CardsDeps = {
    config: exampleConfig.cards,
    hospitals: exampleConfig.hospitals,
    policyVersion: exampleConfig.auth.policy.version,
    clock: new ManualClock('2026-11-29T08:00:00Z'),
    store: new DynamoCardStore(table, {
      consent: (entry) => new DynamoConsentStore(table, audit).entryWrite(entry),
      audit,
    }),
    identities: new DynamoIdentityStore(table, audit),
    indexer,
    audit,
    queue: { enqueue: async () => undefined },
    his: () =>
      new FhirHisClient({
        endpoint: `${his.url}fhir/`,
        token: standinCredentials.his['h-pumch'] as string,
        timeoutMs: 2000,
      }),
    cardIdFor: (userId, key) => indexer.token('card-id', `${userId}|${key}`).slice(0, 22),
    verificationLimits: exampleConfig.identity.limits,
    limiter: new DynamoRateLimiter(table),
    // Creating a card sends no code (proof codes are their own flow): the SMS sender refuses.
    codes: {
      config: exampleConfig.auth,
      clock: new ManualClock('2026-11-29T08:00:00Z'),
      random,
      challenges: new DynamoChallengeStore(table, audit),
      limiter: new DynamoRateLimiter(table),
      sms: {
        name: 'none',
        send: async () => {
          throw new Error('the card bench sends no SMS');
        },
      },
      captcha: { verify: async () => false },
      audit,
      metrics: noMetrics,
      phoneToken: (e164) => indexer.token('phone', e164),
      otpPepper: keys.otpPepper,
    },
    consents: { current: async () => ({ accepted: true, policyVersion: exampleConfig.auth.policy.version }) },
    verifier: { name: 'unused', verify: async () => 'match' },
  };
  // What the login and real-name features leave behind: a verified profile and its identity.
  for (let a = 0; a < accounts; a++) {
    await table.commit([
      await table.put(
        'profile',
        { ...tableKeys.profile(`bench${a}`), userId: `bench${a}`, realNameVerified: true, createdAt: 0 },
        { phone: '+8613800138000' },
      ),
      await table.put(
        'identity',
        {
          ...tableKeys.identity(`bench${a}`),
          idNumberToken: `person${a}`,
          idType: 'resident',
          nameMasked: '*三',
          idNumberMasked: '1**************02X',
          verifiedAt: 0,
          provider: 'bench',
        },
        { name: '张三', idNumber: '11010519491231002X' },
      ),
    ]);
  }
  const inspector = new DynamoDBClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const meter = meterDynamo(client, { inspector });
  const samples: number[] = [];
  const sequential: number[] = [];
  let seq = 0;
  for (let a = 0; a < accounts; a++) {
    for (let c = 0; c < cardsPerAccount; c++) {
      seq++;
      const first17 = `440305${1950 + (seq % 50)}0101${String(seq % 1000).padStart(3, '0')}`;
      const from = meter.log.length;
      const t = performance.now();
      const out = await createCard(
        deps,
        { userId: `bench${a}`, sessionId: 's', amr: ['sms'] },
        {
          hospitalId: 'h-pumch',
          relationship: '97',
          name: '王芳',
          idType: '01',
          idNumber: first17 + checkCharacter(first17),
          phone: '13800138000',
          insuranceType: '01',
        },
        `bench-${seq}`,
      );
      samples.push(performance.now() - t);
      sequential.push(meter.sequentialCalls(from));
      if (out.card.status !== 'active') throw new Error(`card ${seq} is ${out.card.status}`);
    }
  }
  const n = accounts * cardsPerAccount;
  const result = {
    cards: n,
    ...summarise(samples),
    dynamoCallsPerCard: round(meter.calls / n, 2),
    sequentialCallsPerCard: { median: median(sequential), max: Math.max(...sequential) },
    capacityUnitsPerCard: round(meter.billedUnits / n, 2),
    capacityUnitsAsDynamoDbLocalReports: round(meter.capacityUnits / n, 2),
    byCommand: Object.fromEntries([...meter.byCommand].map(([k, v]) => [k, round(v.calls / n, 2)])),
    hottestKey: hottest(meter.writesByKey, n),
    note: "includes the synchronous FHIR registration against the local stand-in; the medical_card consent read is stubbed (one Query, 1 RCU, beside the identity read); capacity priced by DynamoDB's published rules",
  };
  await his.close();
  client.destroy();
  inspector.destroy();
  return result;
}
