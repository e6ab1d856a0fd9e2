import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../bin/local/runtime';
import { identityFixtures } from '../../bin/local/standins/identity';
import { prepareRestoredTable, type Waiting } from '../../bin/ops/dr-restore';
import { DynamoAuditChain } from '../../functions/audit/dynamo-audit-chain';
import { verifyAudit } from '../../functions/audit/verify-audit';
import { EncryptingSealer } from '../../functions/crypto/encrypting-sealer';
import { deriveAppKeys } from '../../functions/crypto/key-source';
import { readLocalKeyFile, writeLocalKeyFile } from '../../functions/crypto/local-key-file';
import { localKeyring } from '../../functions/crypto/local-key-source';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { exportTable, restoreIntoFreshTable } from '../../functions/recovery/dynamo-table-copy';
import { SealedTable } from '../../functions/store/sealed-table';
import { SEALED_ATTRIBUTE } from '../../functions/store/table-definition';
import { apiClient } from '../helpers/api-client';
import { localDynamo } from '../helpers/dynamo';

/**
 * The DR rehearsal (`npm run dr:rehearse`, also in `npm test`): Beijing serves patients and
 * hospitals; its table is exported and restored into a fresh table the way a copied backup comes
 * back in Ningxia; dr:restore's preparation turns the table's settings back on; the API starts
 * there with Ningxia's key source alone (its own wrapping key, the replicated application
 * secret, a signing root of its own) and everything a patient and a hospital had still works.
 */
const dynamo = localDynamo();
const stamp = Date.now();
/** The audit days this file writes (from its start to now: a run may cross midnight UTC). */
const auditDays = () => ({
  from: new Date(stamp).toISOString().slice(0, 10),
  to: new Date().toISOString().slice(0, 10),
});
const instantWaiting: Waiting = { now: () => 0, sleep: async () => {} };
const runtimes: LocalRuntime[] = [];
afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop();
});

async function hospitalToken(url: string) {
  const response = await fetch(`${url}/v1/hospital/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('pumch-his:local-pumch-his-secret').toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=patients%3Aread',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const fhirSearch = async (url: string, token: string, idNumber: string) => {
  const identifier = encodeURIComponent(`urn:oid:2.16.156.10011.1.3|${idNumber}`);
  const response = await fetch(`${url}/fhir/r4/Patient?identifier=${identifier}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as { total?: number; entry?: unknown[] } };
};

describe('fail-over to the other China region, rehearsed on this machine', () => {
  const person = identityFixtures[2] as { name: string; idNumber: string };
  const phone = '13600002020';
  const homeDir = mkdtempSync(join(tmpdir(), 'po-dr-home-'));
  const standbyDir = mkdtempSync(join(tmpdir(), 'po-dr-standby-'));
  const homeTable = `dr-home-${stamp}`;
  const restoredTable = `dr-restored-${stamp}`;
  const before: {
    userId?: string;
    cardIds?: string[];
    cardNumber?: string;
    hisPatientId?: string;
    sealedItems?: number;
    refreshToken?: string;
  } = {};

  it('serves a patient and a hospital in Beijing', async () => {
    const home = await startLocalRuntime({
      port: 0,
      dataDir: homeDir,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: homeTable,
      region: 'cn-north-1',
      jobs: { deletionsMs: 0, retentionMs: 0 },
    });
    runtimes.push(home);
    const { call, login, verifyAs } = apiClient(
      () => home.url,
      () => homeDir,
    );
    const session = await login(phone);
    const token = session.accessToken;
    before.refreshToken = session.refreshToken;
    await verifyAs(token, person);
    const card = await call('/v1/me/cards', {
      token,
      headers: { 'idempotency-key': 'dr-rehearse-card-1' },
      body: {
        hospitalId: 'h-pumch',
        relationship: '01',
        ...person,
        idType: '01',
        phone,
        insuranceType: '01',
      },
    });
    expect(card.status, card.text).toBe(201);
    before.userId = (await call('/v1/me', { token })).body.id;
    const detail = (await call(`/v1/me/cards/${card.body.card.id}`, { token })).body.card;
    before.cardIds = [card.body.card.id];
    before.cardNumber = detail.cardNumber;
    const hospital = await hospitalToken(home.url);
    const found = await fhirSearch(home.url, hospital, person.idNumber);
    expect(found.body.total).toBe(1);
    await home.settle();
    await home.stop();
    runtimes.pop();
  }, 90_000);

  it('restores the table as the other region gets it back, and dr:restore puts its settings back', async () => {
    const items = await exportTable(dynamo, homeTable);
    before.sealedItems = items.filter((i) => i[SEALED_ATTRIBUTE] !== undefined).length;
    expect(before.sealedItems).toBeGreaterThanOrEqual(3);
    await restoreIntoFreshTable(dynamo, restoredTable, items);
    const fresh = await dynamo.send(new DescribeTableCommand({ TableName: restoredTable }));
    expect(fresh.Table?.StreamSpecification?.StreamEnabled).not.toBe(true);

    // DynamoDB Local keeps no point-in-time recovery; everything else is dr:restore's real steps.
    const prepared = await prepareRestoredTable(dynamo, restoredTable, instantWaiting, {
      pointInTimeRecovery: false,
    });
    expect(prepared.changed).toEqual([
      'stream on (NEW_AND_OLD_IMAGES)',
      'TTL on (ttl)',
      'deletion protection on',
    ]);
    expect(prepared.streamArn).toContain(restoredTable);
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: restoredTable }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('ttl');
    // A second run (an operator re-running after an interruption) changes nothing.
    expect(
      (await prepareRestoredTable(dynamo, restoredTable, instantWaiting, { pointInTimeRecovery: false }))
        .changed,
    ).toEqual([]);
  });

  it("opens every sealed field with the other region's key alone, and the audit chain verifies", async () => {
    // What Ningxia holds: its own wrapping key (KMS keys never leave their region) and the
    // application secret's replica; Beijing's key is not there.
    const homeKeys = readLocalKeyFile(join(homeDir, 'keys', 'local-keys.json'), {});
    mkdirSync(join(standbyDir, 'keys'), { recursive: true, mode: 0o700 });
    const standbyKeys = {
      ...homeKeys,
      wrappingKeys: { 'cn-northwest-1': homeKeys.wrappingKeys['cn-northwest-1'] as string },
    };
    writeLocalKeyFile(join(standbyDir, 'keys', 'local-keys.json'), standbyKeys);
    expect(Object.keys(standbyKeys.wrappingKeys)).toEqual(['cn-northwest-1']);

    const sealer = new EncryptingSealer(localKeyring(standbyKeys, 'cn-northwest-1'), {
      capacity: 10,
      maxAgeMs: 60_000,
      maxMessages: 1000,
    });
    const table = new SealedTable({ client: dynamo, tableName: restoredTable, sealer });
    let opened = 0;
    for (const raw of await exportTable(dynamo, restoredTable)) {
      if (raw[SEALED_ATTRIBUTE] === undefined) continue;
      const { sealed } = await table.fromStorage(raw);
      expect(Object.keys(sealed).length).toBeGreaterThan(0);
      opened++;
    }
    expect(opened).toBe(before.sealedItems);

    const { auditKey } = deriveAppKeys(Buffer.from(standbyKeys.appSecret, 'base64'));
    const report = await verifyAudit(
      {
        chain: new DynamoAuditChain(new SealedTable({ client: dynamo, tableName: restoredTable })),
        auditKey,
      },
      { ...auditDays(), now: Date.now(), maxUnchainedSeconds: 3600 },
    );
    expect(report.problems).toEqual([]);
    expect(report.entries).toBeGreaterThan(3);
  });

  it('serves the same patient and hospital from Ningxia on the restored table', async () => {
    const standby = await startLocalRuntime({
      port: 0,
      dataDir: standbyDir,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: restoredTable,
      region: 'cn-northwest-1',
      jobs: { deletionsMs: 0, retentionMs: 0 },
    });
    runtimes.push(standby);
    const { call, login } = apiClient(
      () => standby.url,
      () => standbyDir,
    );
    // The phone's blind index finds Beijing's state: its last code is too recent to send another.
    const early = await call('/v1/auth/sms/send', { body: { phone, purpose: 'login' } });
    expect(early.status).toBe(429);
    expect(early.body.code).toBe('otp_resend_too_soon');
    // The session from Beijing goes on: its refresh token is in the table, not in a key.
    const refreshed = await call('/v1/auth/token/refresh', { body: { refreshToken: before.refreshToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    const token = refreshed.body.accessToken as string;
    const me = await call('/v1/me', { token });
    expect(me.body.id, me.text).toBe(before.userId);
    const cards = (await call('/v1/me/cards', { token })).body.cards as Array<{ id: string }>;
    expect(cards.map((c) => c.id)).toEqual(before.cardIds);
    const detail = (await call(`/v1/me/cards/${before.cardIds?.[0]}`, { token })).body.card;
    expect(detail.cardNumber).toBe(before.cardNumber);
    expect(detail.status).toBe('active');
    // The hospital's client (a deployment in the table) reads the patient by ID number's blind index.
    const hospital = await hospitalToken(standby.url);
    const found = await fhirSearch(standby.url, hospital, person.idNumber);
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(1);
    // New data sealed in Ningxia opens there too, and the chain goes on intact.
    const other = { name: '周慧', idNumber: `44030519600101222${checkCharacter('44030519600101222')}` };
    const added = await call('/v1/me/cards', {
      token,
      headers: { 'idempotency-key': 'dr-rehearse-card-2' },
      body: { hospitalId: 'h-pumch', relationship: '52', ...other, idType: '01', phone, insuranceType: '02' },
    });
    expect(added.status, added.text).toBe(201);
    await standby.settle();
    const keys = readLocalKeyFile(join(standbyDir, 'keys', 'local-keys.json'), {});
    const report = await verifyAudit(
      {
        chain: new DynamoAuditChain(new SealedTable({ client: dynamo, tableName: restoredTable })),
        auditKey: deriveAppKeys(Buffer.from(keys.appSecret, 'base64')).auditKey,
      },
      { ...auditDays(), now: Date.now(), maxUnchainedSeconds: 3600 },
    );
    expect(report.problems).toEqual([]);

    // Once the resend window Beijing opened has passed, a login by SMS finds the same account.
    let relogin: Awaited<ReturnType<typeof login>> | undefined;
    await expect
      .poll(
        async () => {
          relogin = await login(phone).catch(() => undefined);
          return relogin?.user.id;
        },
        { timeout: 75_000, interval: 3_000 },
      )
      .toBe(before.userId);
    const again = (await call('/v1/me/cards', { token: relogin?.accessToken })).body.cards as unknown[];
    expect(again).toHaveLength(2);
  }, 150_000);
});
