import { readFileSync } from 'node:fs';

/**
 * The design rush (README, "Capacity"): a large hospital's 08:00 release, 100,000 people in five
 * minutes; per second at the peak minute, with 30 % behind 50 IPv4 addresses (carrier NAT, the
 * hospital's Wi-Fi) and the rest on IPv6.
 */
export const RUSH = { sharedAddresses: 50, shareBehindShared: 0.3, wafWindowSeconds: 300 } as const;

/** What one request of a flow costs, measured by `npm run bench` (bench/results/latest.json) or modeled. */
export interface FlowCost {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly sequentialCalls: number;
  /** In-process handler p99 against DynamoDB Local (no network). */
  readonly handlerP99Ms: number;
  readonly kmsSymmetric: number;
  readonly hottestWritesPerRequest: number;
  readonly measured: string;
}

export interface Flow {
  readonly id: string;
  readonly name: string;
  readonly rate: number;
  /** Route ids (functions/system/route-table.ts) and how the flow's rate splits between them. */
  readonly routes: ReadonlyArray<{ readonly id: string; readonly share: number; readonly fn: string }>;
  readonly authorized: boolean;
  readonly cost: FlowCost;
  /** Provider calls in the request path: their p99 (assumed) adds to the function's duration. */
  readonly providers: ReadonlyArray<{
    readonly quota: 'smsProviderRps' | 'tencentCaptchaVerifyRps' | 'realNameProviderRps';
    readonly perRequest: number;
    readonly p99Ms: number;
  }>;
  readonly smsPerRequest: number;
}

interface BenchRecord {
  readonly p99Ms: number;
  readonly sequentialCallsPerRequest?: { max: number };
  readonly sequentialCallsPerCard?: { max: number };
  /** Units per request by command (the auth bench), or calls per card (the cards bench). */
  readonly byCommand: Record<string, { unitsPerRequest?: number } | number>;
  readonly capacityUnitsPerCard?: number;
  readonly kmsPer1000Requests?: { generateDataKey: number; decrypt: number };
  readonly hottestKey: { writesPer1000: number };
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

function fromBench(record: BenchRecord, label: string): FlowCost {
  let readUnits = 0;
  let writeUnits = 0;
  for (const [command, entry] of Object.entries(record.byCommand)) {
    // The cards bench counts calls: a read there is one small item (1 RCU), the rest is writes.
    const units = typeof entry === 'number' ? (READS.has(command) ? entry : 0) : (entry.unitsPerRequest ?? 0);
    if (READS.has(command)) readUnits += units;
    else writeUnits += units;
  }
  if (record.capacityUnitsPerCard !== undefined) writeUnits = record.capacityUnitsPerCard - readUnits;
  const kms = record.kmsPer1000Requests;
  return {
    readUnits,
    writeUnits,
    sequentialCalls: (record.sequentialCallsPerRequest ?? record.sequentialCallsPerCard)?.max ?? 1,
    handlerP99Ms: record.p99Ms,
    kmsSymmetric: kms ? (kms.generateDataKey + kms.decrypt) / 1000 : 0,
    hottestWritesPerRequest: record.hottestKey.writesPer1000 / 1000,
    measured: `bench/results/latest.json ${label}`,
  };
}

/** A flow the bench does not time yet: its costs as modeled from its reads and writes. */
function modeled(cost: Omit<FlowCost, 'measured'>, how: string): FlowCost {
  return { ...cost, measured: `modeled: ${how}` };
}

export function designFlows(benchFile: string): Flow[] {
  const bench = JSON.parse(readFileSync(benchFile, 'utf8')) as {
    auth: Record<'send' | 'verifyRegistration' | 'verifyLogin' | 'refresh', BenchRecord>;
    cards: BenchRecord;
  };
  const sms = { quota: 'smsProviderRps' as const, perRequest: 1, p99Ms: 400 };
  // Every send may carry a ticket (the crowd behind shared addresses nearly always does).
  const captcha = { quota: 'tencentCaptchaVerifyRps' as const, perRequest: 1, p99Ms: 150 };
  return [
    {
      id: 'send',
      name: 'code sends',
      rate: 500,
      routes: [{ id: 'sendSms', share: 1, fn: 'Auth' }],
      authorized: false,
      cost: fromBench(bench.auth.send, 'auth.send'),
      providers: [sms, captcha],
      smsPerRequest: 1,
    },
    {
      id: 'verify',
      name: 'code verifies',
      rate: 500,
      routes: [{ id: 'verifySms', share: 1, fn: 'Auth' }],
      authorized: false,
      // Registration is the dearer verify: the rush is sized as if every verify registered.
      cost: fromBench(bench.auth.verifyRegistration, 'auth.verifyRegistration'),
      providers: [],
      smsPerRequest: 0,
    },
    {
      id: 'refresh',
      name: 'token refreshes',
      rate: 2000,
      routes: [{ id: 'refreshToken', share: 1, fn: 'Auth' }],
      authorized: false,
      cost: fromBench(bench.auth.refresh, 'auth.refresh'),
      providers: [],
      smsPerRequest: 0,
    },
    {
      id: 'reads',
      name: 'authorized reads',
      rate: 5000,
      routes: [
        { id: 'getMe', share: 0.5, fn: 'Account' },
        { id: 'listCards', share: 0.5, fn: 'Cards' },
      ],
      authorized: true,
      cost: modeled(
        {
          readUnits: 1.5,
          writeUnits: 0,
          sequentialCalls: 2,
          handlerP99Ms: 15,
          kmsSymmetric: 0.001,
          hottestWritesPerRequest: 0,
        },
        "the authorizer's session read and one query of the account's partition (eventual)",
      ),
      providers: [],
      smsPerRequest: 0,
    },
    {
      id: 'cards',
      name: 'card creations',
      rate: 200,
      routes: [{ id: 'createCard', share: 1, fn: 'Cards' }],
      authorized: true,
      cost: fromBench(bench.cards, 'cards (includes the synchronous HIS registration)'),
      providers: [],
      smsPerRequest: 0,
    },
    {
      id: 'realName',
      name: 'real-name checks',
      rate: 100,
      routes: [{ id: 'verifyIdentity', share: 1, fn: 'Identity' }],
      authorized: true,
      cost: modeled(
        {
          readUnits: 2,
          writeUnits: 10,
          sequentialCalls: 3,
          handlerP99Ms: 40,
          kmsSymmetric: 0.002,
          hottestWritesPerRequest: 0.05,
        },
        'the identity claim, the verification and its audit entry in one transaction',
      ),
      providers: [{ quota: 'realNameProviderRps', perRequest: 1, p99Ms: 800 }],
      smsPerRequest: 0,
    },
  ];
}

/** A regional DynamoDB round trip at p99 (DynamoDB Local has no network): assumed, not measured. */
export const DYNAMO_ROUND_TRIP_MS = 8;
/** The authorizer: a verified token and one eventual session read (not yet benched). */
export const AUTHORIZER_DURATION_MS = 15;

/** A request's duration in Lambda: handler p99, its round trips over the network, its providers. */
export function durationMs(flow: Flow): number {
  return (
    flow.cost.handlerP99Ms +
    flow.cost.sequentialCalls * DYNAMO_ROUND_TRIP_MS +
    flow.providers.reduce((sum, p) => sum + p.p99Ms, 0)
  );
}

/** A login's verify (not a rush flow of its own: the rush sizes every verify as a registration). */
export function loginVerifyFlow(benchFile: string): Flow {
  const bench = JSON.parse(readFileSync(benchFile, 'utf8')) as { auth: { verifyLogin: BenchRecord } };
  return {
    id: 'verifyLogin',
    name: 'login verifies',
    rate: 0,
    routes: [{ id: 'verifySms', share: 1, fn: 'Auth' }],
    authorized: false,
    cost: fromBench(bench.auth.verifyLogin, 'auth.verifyLogin'),
    providers: [],
    smsPerRequest: 0,
  };
}
