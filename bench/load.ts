import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials } from '../bin/local/dynamodb-local';
import { OutboxTail } from '../bin/local/outbox';
import { type LocalRuntime, startLocalRuntime } from '../bin/local/runtime';
import { syntheticPerson } from '../bin/local/standins/identity';
import { DynamoAuditChain } from '../functions/audit/dynamo-audit-chain';
import { type AuditReport, verifyAudit } from '../functions/audit/verify-audit';
import type { CertifiedTokenSigner } from '../functions/auth/tokens/certified-token-signer';
import { stages } from '../functions/core/config';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import { platform, tokenSigner } from '../functions/platform/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { type CallMeter, meterDynamo } from './call-meter';
import { hottest, round } from './stats';

export interface LoadOptions {
  readonly users: number;
  readonly concurrency: number;
  readonly flow: 'login' | 'card';
  /** A running `npm start` (its data folder for the SMS outbox); without it one is started here. */
  readonly url?: string;
  readonly dataDir?: string;
  /** DynamoDB Local of the running server, for the chain verdict (metering needs the in-process server). */
  readonly dynamoEndpoint?: string;
  readonly tableName?: string;
}

interface StepStats {
  readonly statuses: Record<string, number>;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface LoadReport {
  readonly flow: 'login' | 'card';
  readonly users: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly steps: Record<string, StepStats>;
  readonly serverErrors: number;
  /** Answers other than 2xx, 5xx included: in this rush every request should succeed. */
  readonly failures: number;
  readonly dynamo?: {
    readonly callsPerFlow: number;
    readonly capacityUnitsPerFlow: number;
    readonly capacityUnitsPerFlowAsDynamoDbLocalReports: number;
    readonly hottestKey: ReturnType<typeof hottest>;
    readonly note: string;
  };
  readonly tokenSigning?: { readonly kmsSignsPer1000Logins: number };
  readonly chain?: Pick<AuditReport, 'entries' | 'blocks' | 'pending' | 'problems'> & { intact: boolean };
}

const POLICY = stages.local.auth.policy.version;

/**
 * The slot-release rush as a test: `users` people, `concurrency` at a time, each registering with
 * an SMS code (flow `login`), or each registered, verified and then creating a card (flow
 * `card`, only the card measured). Reports status counts and latency per step, the DynamoDB calls
 * and capacity per flow and the partition key written most (with an in-process server, whose
 * client it meters), and whether the audit chain verifies once the stream has caught up.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const own = options.url === undefined;
  const dataDir = options.dataDir ?? (own ? mkdtempSync(join(tmpdir(), 'po-load-')) : '.data');
  let runtime: LocalRuntime | undefined;
  if (own) {
    runtime = await startLocalRuntime({
      port: 0,
      dataDir,
      inMemory: true,
      jobs: { deletionsMs: 0, retentionMs: 0 },
      ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
      tableName: options.tableName ?? `load-${Date.now()}`,
    });
  }
  const base = (options.url ?? runtime?.url ?? '').replace(/\/$/, '');
  const outbox = new OutboxTail(dataDir);
  const meter: CallMeter | undefined = own ? startMeter(runtime as LocalRuntime) : undefined;
  const samples = new Map<string, { ms: number[]; statuses: Record<string, number> }>();
  const call = async (step: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const started = performance.now();
    let status = 'network';
    let json: Record<string, unknown> = {};
    try {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      status = String(response.status);
      json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    } finally {
      const entry = samples.get(step) ?? { ms: [], statuses: {} };
      samples.set(step, entry);
      entry.ms.push(performance.now() - started);
      entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
    }
    return { status: Number(status), body: json };
  };

  // Distinct numbers per run (139 + 8 digits), so a running server's earlier accounts are not met again.
  const prefix = 13_900_000_000 + (Date.now() % 90_000) * 1000;
  const phone = (i: number) => String(prefix + (i % 1000) + Math.floor(i / 1000) * 100_000_000);
  const register = async (i: number, step = '') => {
    const sent = await call(`${step}send`, '/v1/auth/sms/send', { phone: phone(i), purpose: 'login' });
    if (sent.status !== 202) return undefined;
    const code = await waitFor(() => outbox.codeFor(`+86${phone(i)}`));
    const verified = await call(`${step}verify`, '/v1/auth/sms/verify', {
      challengeId: sent.body.challengeId,
      phone: phone(i),
      code,
      acceptPolicyVersion: POLICY,
    });
    return verified.status === 200 ? String(verified.body.accessToken) : undefined;
  };

  let signsBefore = 0;
  let started = performance.now();
  if (options.flow === 'login') {
    meter?.reset();
    signsBefore = own ? await rootSignatures() : 0;
    started = performance.now();
    await inParallel(options.users, options.concurrency, (i) => register(i));
  } else {
    // Set-up, not measured: accounts that may create cards (consent, a verified identity).
    const tokens: (string | undefined)[] = [];
    await inParallel(options.users, options.concurrency, async (i) => {
      const token = await register(i, 'setup ');
      tokens[i] = token;
      if (!token) return;
      const auth = { authorization: `Bearer ${token}` };
      for (const purpose of ['sensitive_identity', 'medical_card']) {
        await call(
          'setup consent',
          '/v1/me/consents',
          { purpose, policyVersion: POLICY, accepted: true },
          auth,
        );
      }
      await call(
        'setup identity',
        '/v1/me/identity/verify',
        { ...syntheticPerson(i), idType: 'resident' },
        auth,
      );
    });
    meter?.reset();
    started = performance.now();
    await inParallel(options.users, options.concurrency, async (i) => {
      const token = tokens[i];
      if (!token) return;
      await call(
        'create card',
        '/v1/me/cards',
        {
          hospitalId: 'h-pumch',
          relationship: '01',
          ...syntheticPerson(i),
          idType: '01',
          phone: phone(i),
          insuranceType: '01',
        },
        { authorization: `Bearer ${token}`, 'idempotency-key': `load-${prefix}-${i}` },
      );
    });
  }
  const seconds = round((performance.now() - started) / 1000, 2);
  // What the requests set going (the chain, card jobs and events) is part of what they cost.
  await runtime?.settle();
  const flows = options.users;
  const dynamo = meter
    ? {
        callsPerFlow: round(meter.calls / flows, 2),
        capacityUnitsPerFlow: round(meter.billedUnits / flows, 2),
        capacityUnitsPerFlowAsDynamoDbLocalReports: round(meter.capacityUnits / flows, 2),
        hottestKey: hottest(meter.writesByKey, flows),
        note: "every DynamoDB call the measured requests caused, the authorizer's, the stream consumers' and the jobs' included; capacity priced by DynamoDB's published rules",
      }
    : undefined;
  const tokenSigning =
    own && options.flow === 'login'
      ? { kmsSignsPer1000Logins: round((((await rootSignatures()) - signsBefore) / flows) * 1000, 2) }
      : undefined;

  let chain: LoadReport['chain'];
  if (runtime) {
    chain = await chainVerdict(runtime.dynamoEndpoint, runtime.tableName, dataDir);
  } else if (options.dynamoEndpoint) {
    chain = await chainVerdict(
      options.dynamoEndpoint,
      options.tableName ?? 'patient-onboarding-local',
      dataDir,
    );
  }
  await runtime?.stop();

  const steps = Object.fromEntries(
    [...samples].map(([step, { ms, statuses }]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q: number) =>
        round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, 1);
      return [step, { statuses, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) }];
    }),
  );
  const serverErrors = [...samples.values()].reduce(
    (n, { statuses }) =>
      n +
      Object.entries(statuses).reduce((m, [s, c]) => m + (s.startsWith('5') || s === 'network' ? c : 0), 0),
    0,
  );
  const failures = [...samples.values()].reduce(
    (n, { statuses }) =>
      n + Object.entries(statuses).reduce((m, [s, c]) => m + (s.startsWith('2') ? 0 : c), 0),
    0,
  );
  return {
    flow: options.flow,
    users: options.users,
    concurrency: options.concurrency,
    seconds,
    steps,
    serverErrors,
    failures,
    ...(dynamo ? { dynamo } : {}),
    ...(tokenSigning ? { tokenSigning } : {}),
    ...(chain ? { chain } : {}),
  };
}

/** Meters the in-process server's DynamoDB client (every function shares it under npm start). */
function startMeter(runtime: LocalRuntime): CallMeter {
  const inspector = new DynamoDBClient({
    endpoint: runtime.dynamoEndpoint,
    region: 'cn-north-1',
    credentials: localCredentials,
  });
  return meterDynamo(platform().dynamo, { inspector });
}

/** Certificates the server's signer made so far: each one root signature, a KMS `Sign` in AWS. */
async function rootSignatures(): Promise<number> {
  return ((await tokenSigner()) as CertifiedTokenSigner).certificates;
}

async function chainVerdict(
  endpoint: string,
  tableName: string,
  dataDir: string,
): Promise<LoadReport['chain']> {
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials: localCredentials });
  try {
    const { auditKey } = loadLocalKeyMaterial(join(dataDir, 'keys', 'local-keys.json'));
    const today = new Date().toISOString().slice(0, 10);
    const report = await verifyAudit(
      { chain: new DynamoAuditChain(new SealedTable({ client, tableName })), auditKey },
      { from: today, to: today, now: Date.now(), maxUnchainedSeconds: 300 },
    );
    return {
      entries: report.entries,
      blocks: report.blocks,
      pending: report.pending,
      problems: report.problems,
      intact: report.problems.length === 0 && report.pending === 0,
    };
  } finally {
    client.destroy();
  }
}

async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        await work(i);
      }
    }),
  );
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('no SMS arrived in the outbox');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
