import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { lastMessage } from '../../bin/local/outbox';
import { identityFixtures } from '../../bin/local/standins/identity';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { standinCredentials } from '../../functions/providers/credentials';
import { localDynamo } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';
import { operatorCli } from '../helpers/operator-cli';

/**
 * Hospitals and clients are data: a hospital added to a deployment file and applied with the
 * operator's one command serves cards on the running system, and a hospital client's rotated
 * secret is in force (the old one refused) without a redeploy or a change under functions/.
 */
const local = runtimePerFile('deployment');
const root = join(import.meta.dirname, '..', '..');

// biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, asserted field by field
type Body = Record<string, any>;
async function call(
  path: string,
  init: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${local.runtime.url}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function hospitalToken(clientId: string, secret: string) {
  const response = await fetch(`${local.runtime.url}/v1/hospital/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return response.status;
}

/** `npm run deployment -- <args>` as an operator runs it against this runtime's table. */
const deployment = (...args: string[]) => operatorCli('deployment', args, local.runtime.operatorEnv);

/** The operator's step before adding a hospital: its HIS secret into the provider secret. */
async function putHisSecret(secretId: string, hospitalId: string, secret: string) {
  const env = local.runtime.operatorEnv;
  const client = new SecretsManagerClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  const current = JSON.parse(
    (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '{}',
  );
  current.his = { ...current.his, [hospitalId]: secret };
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(current) }));
  client.destroy();
}

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const hospitalIds = async (token: string) =>
  ((await call('/v1/hospitals', { token })).body.hospitals as Array<{ id: string }>).map((h) => h.id);

async function until(check: () => Promise<boolean>, what: string) {
  // Each function reads the table's deployment again once its copy is a second old (local stage).
  for (let round = 0; round < 50; round++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not in force after 5 s: ${what}`);
}

describe('a deployment file applied to a running system', () => {
  it('adds a hospital that serves cards and rotates a client secret, audited, with no code change', async () => {
    // A verified person, signed in before the change.
    const phone = '13500002222';
    const sent = await call('/v1/auth/sms/send', { body: { phone, purpose: 'login' } });
    const login = await call('/v1/auth/sms/verify', {
      body: {
        challengeId: sent.body.challengeId,
        phone,
        code: lastMessage(local.dataDir, `+86${phone}`).code,
        acceptPolicyVersion: '2026-11-01',
      },
    });
    const token = login.body.accessToken as string;
    for (const purpose of ['sensitive_identity', 'medical_card'])
      await call('/v1/me/consents', {
        token,
        body: { purpose, policyVersion: '2026-11-01', accepted: true },
      });
    const person = identityFixtures.find((p) => p.name === '李四') as { name: string; idNumber: string };
    expect(
      (await call('/v1/me/identity/verify', { token, body: { ...person, idType: 'resident' } })).status,
    ).toBe(200);
    expect(await hospitalIds(token)).not.toContain('h-zhongshan');
    expect(await hospitalToken('pumch-his', 'local-pumch-his-secret')).toBe(200);

    const site = JSON.parse(readFileSync(join(root, 'deploy', 'local.json'), 'utf8'));
    site.hospitals.push({
      id: 'h-zhongshan',
      name: '示例中山医院',
      cardLimit: 3,
      verifyRelatives: false,
      his: {
        kind: 'fhir',
        endpoint: 'https://his.zhongshan.example.cn/fhir/',
        clientId: 'patient-onboarding',
      },
    });
    // A leaked client secret: the new one replaces it outright.
    const pumchClient = site.hospitalClients.find((c: { clientId: string }) => c.clientId === 'pumch-his');
    pumchClient.secretHashes = [sha256('rotated-pumch-his-secret')];
    const file = join(local.dataDir, 'site.json');
    writeFileSync(file, JSON.stringify(site));

    // In AWS (the rehearsal) the operator puts the new hospital's HIS secret in the provider
    // secret first: apply refuses a hospital without one. (`npm start` plays every HIS with one
    // stand-in and its secret.)
    const providerSecret = local.runtime.operatorEnv.PROVIDER_SECRET_ARN;
    if (providerSecret) {
      const refused = await deployment('apply', file);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('no HIS secret for h-zhongshan');
      await putHisSecret(providerSecret, 'h-zhongshan', standinCredentials.his?.['h-pumch'] as string);
    }
    const diff = await deployment('diff', file);
    expect(diff.stdout).toContain('hospitalsAdded: h-zhongshan');
    expect(diff.stdout).toContain('credentialsRotated: pumch-his');
    const applied = await deployment('apply', file);
    expect(applied.stdout).toMatch(/applied version 2 /);
    // Applying the same file again is no new version.
    expect((await deployment('apply', file)).stdout).toContain('already this deployment');

    await until(async () => (await hospitalIds(token)).includes('h-zhongshan'), 'the new hospital');
    await until(
      async () => (await hospitalToken('pumch-his', 'local-pumch-his-secret')) === 401,
      'the old secret refused',
    );
    expect(await hospitalToken('pumch-his', 'rotated-pumch-his-secret')).toBe(200);

    // A person opens a card at the new hospital; its HIS registers them.
    const first17 = '44030519600101333';
    const created = await call('/v1/me/cards', {
      token,
      headers: { 'idempotency-key': 'deployment-e2e-1' },
      body: {
        hospitalId: 'h-zhongshan',
        relationship: '52',
        name: '周敏',
        idNumber: first17 + checkCharacter(first17),
        idType: '01',
        phone,
        insuranceType: '02',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.card).toMatchObject({ hospitalId: 'h-zhongshan', status: 'active' });

    // The change is in the audit trail: who, which version, what changed by id (no secret hash).
    const items = await localDynamo().send(new ScanCommand({ TableName: local.runtime.tableName }));
    const entries = (items.Items ?? [])
      .map((i) => unmarshall(i))
      .filter((i) => i.event === 'deployment.applied');
    expect(entries.map((e) => e.detail?.version ?? e.version)).toEqual(expect.arrayContaining([1, 2]));
    const second = entries.find((e) => (e.detail?.version ?? e.version) === 2);
    expect(JSON.stringify(second)).toContain('h-zhongshan');
    expect(JSON.stringify(second)).not.toContain(sha256('rotated-pumch-his-secret'));
    // Applied as the operator: their identity, and an entry under the service's own audit key
    // (the chain verifies it), in AWS as locally.
    expect(String(second?.detail?.by)).toMatch(/^(local:|arn:aws-cn:sts::\d{12}:assumed-role\/)/);
    await local.runtime.settle();
    const today = new Date().toISOString().slice(0, 10);
    const verified = await operatorCli(
      'audit-verify',
      ['--from', today, '--max-unchained-seconds', '3600'],
      local.runtime.operatorEnv,
    );
    expect(verified.stdout).toContain('chain intact');
  });

  it('refuses a file with mistakes before anything is written, naming each field', async () => {
    const site = JSON.parse(readFileSync(join(root, 'deploy', 'local.json'), 'utf8'));
    site.hospitals[0].his.endpoint = 'ftp://his.example.cn/';
    site.hospitalClients[0].hospitalId = 'h-nowhere';
    site.hospitalClients[1].secretHashes = ['not-a-hash'];
    const file = join(local.dataDir, 'broken.json');
    writeFileSync(file, JSON.stringify(site));
    const refused = await deployment('apply', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('hospitals[0].his.endpoint: an https URL');
    expect(refused.stderr).toContain('hospitalClients[0].hospitalId: no hospital h-nowhere in hospitals');
    expect(refused.stderr).toContain('hospitalClients[1].secretHashes[0]: a SHA-256 in base64url');
    const shown = await deployment('show');
    expect(shown.stdout).not.toContain('version 3');
  });
});
