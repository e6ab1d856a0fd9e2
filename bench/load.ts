import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials } from '../bin/local/dynamodb-local';
import { OutboxTail } from '../bin/local/outbox';
import { type LocalRuntime, startLocalRuntime } from '../bin/local/runtime';
import { localConfig } from '../bin/local/site';
import { syntheticPerson } from '../bin/local/standins/identity';
import { DynamoAuditChain } from '../functions/audit/dynamo-audit-chain';
import { type AuditReport, verifyAudit } from '../functions/audit/verify-audit';
import { stages } from '../functions/core/config';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import type { CertifiedTokenSigner } from '../functions/kernel/tokens/certified-token-signer';
import { platform, tokenSigner } from '../functions/platform/deps';
import { overrideRuntime } from '../functions/platform/runtime';
import { SealedTable } from '../functions/store/sealed-table';
import { type CallMeter, meterDynamo } from './call-meter';
import { hottest, round } from './stats';

export interface LoadOptions {
  readonly users: number;
  readonly concurrency: number;
  readonly flow: 'login' | 'card';
  /**
   * Spread the people over this many source addresses (loopback, two per /24: a hospital's Wi-Fi
   * or a carrier NAT in miniature); without it every request comes from 127.0.0.1.
   */
  readonly addresses?: number;
  /** Production limits for every caller: no loopback exemption (in-process server only). */
  readonly prodLimits?: boolean;
  /**
   * One more actor in the first people's /24, for as long as they run: sends to random numbers
   * and made-up codes, never solving a captcha.
   */
  readonly attacker?: boolean;
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
  /**
   * People whose flow did not succeed although they did everything right (asked again with a
   * solved captcha when told to), plus 5xx: in this rush it should be 0.
   */
  readonly failures: number;
  readonly wrongfulRefusals: number;
  /** `captcha_required` answers the people met (each solved through the captcha stand-in). */
  readonly captchasShown: number;
  readonly addresses: readonly string[];
  readonly attacker?: {
    readonly address: string;
    readonly requests: number;
    readonly smsSent: number;
    readonly refused: number;
    readonly statuses: Record<string, number>;
  };
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
  if (!own && (options.prodLimits || options.addresses || options.attacker)) {
    throw new Error('--addresses, --prod-limits and --attacker need the in-process server (no --url)');
  }
  if (options.prodLimits && runtime) {
    // What the production stage enforces, for every caller: the local stage less its exemption.
    overrideRuntime({
      env: runtime.env,
      config: { ...localConfig, auth: { ...localConfig.auth, exemptLoopback: false } },
    });
  }
  const base = (options.url ?? runtime?.url ?? '').replace(/\/$/, '');
  const outbox = new OutboxTail(dataDir);
  const meter: CallMeter | undefined = own ? startMeter(runtime as LocalRuntime) : undefined;
  const samples = new Map<string, { ms: number[]; statuses: Record<string, number> }>();
  const addresses = loopbackAddresses(options.addresses ?? 0);
  const client = new SourceAddressClient(base);
  const call = async (
    step: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    from?: string,
  ) => {
    const started = performance.now();
    let status = 'network';
    let json: Record<string, unknown> = {};
    try {
      const answer = await client.post(path, body, headers, from);
      status = String(answer.status);
      json = answer.body;
    } finally {
      const entry = samples.get(step) ?? { ms: [], statuses: {} };
      samples.set(step, entry);
      entry.ms.push(performance.now() - started);
      entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
    }
    return { status: Number(status), body: json };
  };
  let captchasShown = 0;
  let wrongfulRefusals = 0;
  /** A send as a person makes it: solving the captcha when asked (the hard one too), at most twice. */
  const sendAsPerson = async (step: string, phone: string, from: string | undefined) => {
    let sent = await call(`${step}send`, '/v1/auth/sms/send', { phone, purpose: 'login' }, {}, from);
    for (let round = 0; round < 2 && sent.body.code === 'captcha_required' && runtime; round++) {
      captchasShown++;
      const level = sent.body.captchaLevel === 'hard' ? 'hard' : 'standard';
      const captchaTicket = runtime.captcha.issue(from ?? '127.0.0.1', level);
      sent = await call(
        `${step}send (captcha)`,
        '/v1/auth/sms/send',
        { phone, purpose: 'login', captchaTicket },
        {},
        from,
      );
    }
    return sent;
  };

  // Distinct numbers per run (139 + 8 digits), so a running server's earlier accounts are not met again.
  const prefix = 13_900_000_000 + (Date.now() % 90_000) * 1000;
  const phone = (i: number) => String(prefix + (i % 1000) + Math.floor(i / 1000) * 100_000_000);
  const register = async (i: number, step = '') => {
    const from = addresses.length ? addresses[i % addresses.length] : undefined;
    const sent = await sendAsPerson(step, phone(i), from);
    if (sent.status !== 202) {
      wrongfulRefusals++;
      return undefined;
    }
    const code = await waitFor(() => outbox.codeFor(`+86${phone(i)}`));
    const verified = await call(
      `${step}verify`,
      '/v1/auth/sms/verify',
      { challengeId: sent.body.challengeId, phone: phone(i), code, acceptPolicyVersion: POLICY },
      {},
      from,
    );
    if (verified.status !== 200) wrongfulRefusals++;
    return verified.status === 200 ? String(verified.body.accessToken) : undefined;
  };
  // The attacker: beside the first people, in their /24, until they are done.
  const attackerAddress = options.attacker ? attackerIn(addresses[0] ?? '127.0.0.1') : undefined;
  const attack = { requests: 0, smsSent: 0, refused: 0, statuses: {} as Record<string, number> };
  let crowdDone = false;
  const attacking = attackerAddress
    ? (async () => {
        for (let n = 0; !crowdDone; n++) {
          const made =
            n % 2 === 0
              ? await client.post(
                  '/v1/auth/sms/send',
                  { phone: randomNumber(n), purpose: 'login' },
                  {},
                  attackerAddress,
                )
              : await client.post(
                  '/v1/auth/sms/verify',
                  {
                    challengeId: `A${String(n).padStart(21, '0')}`,
                    phone: randomNumber(n),
                    code: '123456',
                    acceptPolicyVersion: POLICY,
                  },
                  {},
                  attackerAddress,
                );
          attack.requests++;
          attack.statuses[made.status] = (attack.statuses[made.status] ?? 0) + 1;
          if (n % 2 === 0 && made.status === 202) attack.smsSent++;
          else if (made.status >= 400) attack.refused++;
          // Never faster than the people: one request for every few of theirs.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })()
    : undefined;

  let signsBefore = 0;
  let started = performance.now();
  if (options.flow === 'login') {
    meter?.reset();
    signsBefore = own ? await rootSignatures() : 0;
    started = performance.now();
    await inParallel(options.users, options.concurrency, (i) => register(i));
    crowdDone = true;
    await attacking;
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
  const failures = wrongfulRefusals + serverErrors;
  client.close();
  if (options.prodLimits) overrideRuntime(undefined);
  return {
    flow: options.flow,
    users: options.users,
    concurrency: options.concurrency,
    seconds,
    steps,
    serverErrors,
    failures,
    wrongfulRefusals,
    captchasShown,
    addresses,
    ...(attackerAddress ? { attacker: { address: attackerAddress, ...attack } } : {}),
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

/** K loopback addresses, two to a /24: `127.0.60.11`, `127.0.60.12`, `127.0.61.11`, … */
function loopbackAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${60 + Math.floor(i / 2)}.${11 + (i % 2)}`);
}

function attackerIn(address: string): string {
  return address.replace(/\.\d+$/, '.66');
}

/** A made-up mainland number (137 and eight digits), never one of the people's (139). */
function randomNumber(n: number): string {
  return `137${String((n * 7_919 + Date.now()) % 100_000_000).padStart(8, '0')}`;
}

/**
 * POSTs from a chosen local source address (fetch cannot choose one): the local server sees it
 * as API Gateway's `sourceIp`. One keep-alive agent per address, as a NAT's phones each keep theirs.
 */
class SourceAddressClient {
  readonly #base: string;
  readonly #agents = new Map<string, Agent>();

  constructor(base: string) {
    this.#base = base;
  }

  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    from = '127.0.0.1',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    let agent = this.#agents.get(from);
    if (!agent) {
      agent = new Agent({ keepAlive: true, localAddress: from, maxSockets: 64 });
      this.#agents.set(from, agent);
    }
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.#base}${path}`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
            } catch {
              parsed = {};
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
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
