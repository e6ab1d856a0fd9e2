import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { restEvent } from '../bin/local/lambda-event';
import { authStores } from '../functions/auth/stores';
import { stages } from '../functions/core/config';
import { logger } from '../functions/core/logger';
import type { CertifiedTokenSigner } from '../functions/kernel/tokens/certified-token-signer';
import { overrideRuntime } from '../functions/platform/runtime';
import { meteredGraph } from './metered-graph';
import { hottest, median, round, summarise } from './stats';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const context = {
  awsRequestId: 'bench',
  functionName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** The REST API's proxy event for a POST, as API Gateway (and the local server) builds it. */
function event(path: string, body: unknown, ip: string): APIGatewayProxyEvent {
  return restEvent({
    method: 'POST',
    path,
    resource: path,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'bench' },
    body: JSON.stringify(body),
    sourceIp: ip,
    requestId: 'bench',
  });
}

/**
 * Send and verify through the real Lambda handlers (middy, zod, problem mapping) with the real
 * DynamoDB adapters on DynamoDB Local, counting DynamoDB calls and consumed capacity per request
 * and keyring and signing operations (each a KMS call in AWS).
 */
export async function benchAuth(endpoint: string, n = 1000) {
  const graph = await meteredGraph(endpoint, 'auth');
  const { tableName, meter, keyring, table, root, signer, audit, outbox, clock } = graph;
  const auth = graph.auth();
  // The real handlers, on this metered graph: the login feature's deps are given whole.
  overrideRuntime({
    env: { STAGE: 'prod', AWS_REGION: 'cn-north-1', TABLE_NAME: tableName, KEY_SOURCE: 'kms' },
    parts: { authDeps: Promise.resolve(auth), oauthStore: Promise.resolve(authStores(table, audit).links) },
  });
  logger.setLogLevel('SILENT');

  const send = (await import('../functions/auth/handlers/post-sms-send')).handler as unknown as Handler;
  const verify = (await import('../functions/auth/handlers/post-sms-verify')).handler as unknown as Handler;
  const refresh = (await import('../functions/auth/handlers/post-token-refresh'))
    .handler as unknown as Handler;

  const phone = (i: number) => `139${String(i).padStart(8, '0')}`;
  // A /24 of its own for every request, so per-IP windows do not interfere.
  const ip = (i: number) => `198.${18 + (i >> 8)}.${i & 255}.1`;

  async function measure(
    label: string,
    run: (i: number) => Promise<APIGatewayProxyResult>,
    expected: number,
  ) {
    const samples: number[] = [];
    const sequential: number[] = [];
    meter.reset();
    keyring.encrypts = 0;
    keyring.decrypts = 0;
    root.signatures = 0;
    for (let i = 0; i < n; i++) {
      const from = meter.log.length;
      const t = performance.now();
      const response = await run(i);
      samples.push(performance.now() - t);
      sequential.push(meter.sequentialCalls(from));
      if (response.statusCode !== expected)
        throw new Error(`${label}: ${response.statusCode} ${response.body}`);
    }
    const perRequest = (v: number) => round(v / n, 2);
    return {
      ...summarise(samples),
      dynamoCallsPerRequest: perRequest(meter.calls),
      sequentialCallsPerRequest: { median: median(sequential), max: Math.max(...sequential) },
      capacityUnitsPerRequest: perRequest(meter.billedUnits),
      capacityUnitsAsDynamoDbLocalReports: perRequest(meter.capacityUnits),
      byCommand: Object.fromEntries(
        [...meter.byCommand].map(([c, v]) => [
          c,
          { callsPerRequest: perRequest(v.calls), unitsPerRequest: perRequest(v.billedUnits) },
        ]),
      ),
      kmsPer1000Requests: {
        generateDataKey: round((keyring.encrypts / n) * 1000, 1),
        decrypt: round((keyring.decrypts / n) * 1000, 1),
        sign: round((root.signatures / n) * 1000, 1),
      },
      hottestKey: hottest(meter.writesByKey, n),
    };
  }

  const challenges: string[] = [];
  const sendNew = await measure(
    'send',
    async (i) => {
      const r = await send(event('/v1/auth/sms/send', { phone: phone(i), purpose: 'login' }, ip(i)), context);
      challenges[i] = JSON.parse(r.body ?? '{}').challengeId;
      return r;
    },
    202,
  );
  const verifyRegister = await measure(
    'verify (registration)',
    (i) =>
      verify(
        event(
          '/v1/auth/sms/verify',
          {
            challengeId: challenges[i],
            phone: phone(i),
            code: outbox.get(`+86${phone(i)}`),
            acceptPolicyVersion: stages.prod.auth.policy.version,
          },
          ip(i),
        ),
        context,
      ),
    200,
  );
  clock.advance(61_000);
  for (let i = 0; i < n; i++) {
    const r = await send(
      event('/v1/auth/sms/send', { phone: phone(i), purpose: 'login' }, ip(i + n)),
      context,
    );
    challenges[i] = JSON.parse(r.body ?? '{}').challengeId;
  }
  const verifyLogin = await measure(
    'verify (login)',
    (i) =>
      verify(
        event(
          '/v1/auth/sms/verify',
          { challengeId: challenges[i], phone: phone(i), code: outbox.get(`+86${phone(i)}`) },
          ip(i),
        ),
        context,
      ),
    200,
  );
  const refreshTokens = new Map<number, string>();
  clock.advance(61_000);
  for (let i = 0; i < n; i++) {
    const r = await send(
      event('/v1/auth/sms/send', { phone: phone(i), purpose: 'login' }, ip(i + 2 * n)),
      context,
    );
    const v = await verify(
      event(
        '/v1/auth/sms/verify',
        {
          challengeId: JSON.parse(r.body ?? '{}').challengeId,
          phone: phone(i),
          code: outbox.get(`+86${phone(i)}`),
        },
        ip(i),
      ),
      context,
    );
    refreshTokens.set(i, JSON.parse(v.body ?? '{}').refreshToken);
  }
  const refreshed = await measure(
    'refresh',
    (i) => refresh(event('/v1/auth/token/refresh', { refreshToken: refreshTokens.get(i) }, ip(i)), context),
    200,
  );
  overrideRuntime(undefined);
  graph.close();
  return {
    requests: n,
    note: "in-process handler latency against DynamoDB Local (local disk, no network): compare shapes, not absolute ms. Capacity is priced by DynamoDB's published rules (call-meter.ts); DynamoDB Local's own report is beside it.",
    send: sendNew,
    verifyRegistration: verifyRegister,
    verifyLogin,
    refresh: refreshed,
    tokenSigning: {
      certificates: (signer as CertifiedTokenSigner).certificates,
      kmsSignPer1000TokensIssued: round(((signer as CertifiedTokenSigner).certificates / (4 * n)) * 1000, 2),
      note: 'one KMS Sign certifies an instance key for 12 h (renewed an hour early); tokens are signed in memory',
    },
  };
}
