import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lastMessage } from '../bin/local/outbox';
import { startLocalRuntime } from '../bin/local/runtime';
import { identityFixtures } from '../bin/local/standins/identity';
import { buildWebClient } from '../bin/local/web-build';
import { checkCharacter } from '../functions/kernel/person/id-number';
import { platform } from '../functions/platform/deps';
import { meterDynamo } from './call-meter';
import { round } from './stats';

/**
 * Account deletion over the local runtime's real handlers: DynamoDB calls and capacity of the
 * request (step-up check, the closing transaction, session revocation, audit) and of the job
 * that carries it out (cards released at the HIS stand-in, items erased) for an account with a
 * verified identity and two cards. Also the size of the web client as served.
 */
export async function benchPrivacy(endpoint: string, accounts = 4) {
  const dataDir = mkdtempSync(join(tmpdir(), 'po-bench-privacy-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: endpoint,
    tableName: `bench-privacy-${Date.now()}`,
    jobs: { deletionsMs: 0, retentionMs: 0 },
  });
  const call = async (path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: bench drives known routes
    const json = (await response.json().catch(() => undefined)) as any;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${json?.code}`);
    return json;
  };
  const code = (phone: string) => lastMessage(dataDir, `+86${phone}`).code;
  const meter = meterDynamo(platform().dynamo);
  const request = { calls: 0, capacityUnits: 0 };
  const job = { calls: 0, capacityUnits: 0 };
  // Adults with resident ID numbers (the fixtures also hold permits and a child).
  const people = identityFixtures
    .filter((p) => /^[1-6]/.test(p.idNumber) && p.idNumber.slice(6, 8) === '19')
    .slice(0, accounts);
  for (const [i, person] of people.entries()) {
    const phone = `1370099${String(i).padStart(4, '0')}`;
    const sent = await call('/v1/auth/sms/send', { phone, purpose: 'login' });
    const login = await call('/v1/auth/sms/verify', {
      challengeId: sent.challengeId,
      phone,
      code: code(phone),
      acceptPolicyVersion: '2026-11-01',
    });
    const token = login.accessToken as string;
    for (const purpose of ['sensitive_identity', 'medical_card'])
      await call('/v1/me/consents', { purpose, policyVersion: '2026-11-01', accepted: true }, token);
    await call('/v1/me/identity/verify', { ...person, idType: 'resident' }, token);
    for (const hospitalId of ['h-pumch', 'h-renji']) {
      const first17 = `31010419600101${String(i * 2).padStart(3, '0')}`;
      await call(
        '/v1/me/cards',
        {
          hospitalId,
          relationship: '52',
          name: '周慧',
          idType: '01',
          idNumber: first17 + checkCharacter(first17),
          phone,
          insuranceType: '02',
        },
        token,
        { 'idempotency-key': `bench-${i}-${hospitalId}` },
      );
    }
    const stepUp = await call('/v1/auth/sms/send', { phone, purpose: 'step_up' });
    meter.reset();
    await call('/v1/me/deletion', { challengeId: stepUp.challengeId, phone, code: code(phone) }, token);
    request.calls += meter.calls;
    request.capacityUnits += meter.capacityUnits;
    meter.reset();
    const outcome = (await runtime.runJob('deletions')) as { completed: number };
    if (outcome.completed !== 1) throw new Error('deletion did not complete');
    job.calls += meter.calls;
    job.capacityUnits += meter.capacityUnits;
  }
  await runtime.stop();

  const webDir = await buildWebClient();
  const assets = readdirSync(join(webDir, 'assets')).filter((f) => !f.endsWith('.map'));
  const web = Object.fromEntries(
    assets.map((f) => {
      const path = join(webDir, 'assets', f);
      return [
        f.replace(/-[\w-]+\./, '.'),
        { bytes: statSync(path).size, gzipBytes: gzipSync(readFileSync(path)).length },
      ];
    }),
  );
  return {
    accounts,
    deletionRequest: {
      dynamoCalls: round(request.calls / accounts, 1),
      capacityUnits: round(request.capacityUnits / accounts, 1),
      note: 'POST /v1/me/deletion incl. authorizer, step-up check, closing transaction, 1 session revoked, audit',
    },
    deletionJob: {
      dynamoCalls: round(job.calls / accounts, 1),
      capacityUnits: round(job.capacityUnits / accounts, 1),
      note: 'per account with a verified identity and 2 active cards (HIS unbind at the stand-in, events, audit)',
    },
    webClient: web,
  };
}
