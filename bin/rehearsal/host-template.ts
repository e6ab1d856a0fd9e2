import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { gatewayProblem } from '../../functions/core/gateway-responses';
import { renderProblem } from '../../functions/core/problem';
import { standinCredentials } from '../../functions/providers/credentials';
import { localCredentials } from '../local/dynamodb-local';
import { asRouteAuthorizer, toAuthorizerEvent, toRestEvent } from '../local/lambda-event';
import { type QueueRunner, startQueueRunner } from '../local/queue-runner';
import { type StreamConsumer, startStreamConsumer } from '../local/stream-consumer';
import { type RecordedCall, RehearsalKms, startAwsEndpoint } from './aws-endpoint';
import { LOCAL_OVERRIDES } from './env-check';
import { FunctionHost } from './function-host';
import { type Plan, type PlannedFunction, type PlannedRoute, readPlan } from './plan';

/** Where `npm run rehearse` leaves the synthesized stack, and where the recorded calls go. */
export const REHEARSAL_CDK_OUT = 'PO_REHEARSAL_CDK_OUT';
export const REHEARSAL_CALLS = 'PO_REHEARSAL_CALLS';

/** The principal of operator commands' calls (not a function of the template). */
export const OPERATOR = 'operator';

/**
 * The local runtime's values a function may use in place of a provider's real address; its
 * database endpoint, key files and queue folder are not among them: the rehearsal goes through
 * the AWS endpoints instead, as the deployed functions do.
 */
const REPLACED_BY_AWS = new Set([
  'DYNAMODB_ENDPOINT',
  'LOCAL_KEY_FILE',
  'LOCAL_SIGNING_KEY_FILE',
  'LOCAL_QUEUE_DIR',
]);
const STANDIN_VARIABLES = [...LOCAL_OVERRIDES].filter((name) => !REPLACED_BY_AWS.has(name));

export interface TemplateHost {
  readonly url: string;
  readonly plan: Plan;
  /** An operator's connection: the template's table, secret and data key, through an endpoint of its own. */
  readonly operatorEnv: Readonly<Record<string, string>>;
  runJob(task: string): Promise<unknown>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The API and Data stacks of a cloud assembly, by its manifest. */
export function stackNames(cdkOut: string): {
  api: string;
  data: string;
  copies: { name: string; region: string } | undefined;
} {
  const manifest = JSON.parse(readFileSync(join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const named = (suffix: string) => stacks.find(([name]) => name.endsWith(suffix));
  const api = named('-Api')?.[0];
  const data = named('-Data')?.[0];
  if (!api || !data) throw new Error(`no Api and Data stacks in ${cdkOut}`);
  // The other region's stack, with its region from the manifest (aws://account/region).
  const copy = named('-BackupCopy');
  const copies = copy ? { name: copy[0], region: String(copy[1].environment?.split('/').pop()) } : undefined;
  return { api, data, copies };
}

/** API Gateway's choice among a path's resources: literal segments before parameters. */
function routeFor(routes: readonly PlannedRoute[], method: string, path: string) {
  const match = (template: string): Record<string, string> | undefined => {
    if (template === '/{proxy+}') return { proxy: path.replace(/^\//, '') };
    const want = template.split('/');
    const got = path.split('/');
    if (want.length !== got.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < want.length; i++) {
      const w = want[i] as string;
      const g = got[i] as string;
      if (w.startsWith('{')) {
        if (!g) return undefined;
        try {
          params[w.slice(1, -1)] = decodeURIComponent(g);
        } catch {
          return undefined;
        }
      } else if (w !== g) return undefined;
    }
    return params;
  };
  const specificity = (template: string) =>
    template === '/{proxy+}' ? -1 : template.split('/').filter((s) => !s.startsWith('{')).length;
  const candidates = routes
    .map((route) => ({ route, params: match(route.path) }))
    .filter((c): c is { route: PlannedRoute; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => specificity(b.route.path) - specificity(a.route.path));
  const best = candidates[0]?.route.path;
  const onPath = candidates.filter((c) => c.route.path === best);
  return onPath.find((c) => c.route.method === method) ?? onPath.find((c) => c.route.method === 'ANY');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function write(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body =
    result.body === undefined || result.body === ''
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | string[]> = {
    ...(result.headers as Record<string, string>),
  };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  if (body) headers['content-length'] = body.length;
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/**
 * Runs a synthesized stack on this machine: the REST API's routes and authorizer from the
 * template, each function its built asset in a pool of worker threads with the template's
 * environment (deploy-time values resolved in a rehearsal account, AWS endpoints pointed at
 * recording stand-ins), stream and queue mappings and schedules as the template wires them.
 * Every AWS call is recorded for the IAM check (bin/rehearsal/iam-check.ts).
 */
export async function hostTemplate(options: {
  readonly cdkOut: string;
  readonly region: string;
  readonly tableName: string;
  readonly dataDir: string;
  readonly dynamoEndpoint: string;
  readonly client: DynamoDBClient;
  readonly localEnv: Readonly<Record<string, string>>;
  readonly port: number;
  readonly onError: (what: string) => (error: unknown) => void;
}): Promise<TemplateHost> {
  const plan = readPlan(options.cdkOut, stackNames(options.cdkOut), {
    tableName: options.tableName,
    region: options.region,
  });
  const state = join(options.dataDir, 'rehearsal');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  const kms = new RehearsalKms(join(state, 'kms.json'));
  const secretFile = join(state, 'app-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const appSecret = readFileSync(secretFile, 'utf8');
  const calls: RecordedCall[] = [];
  const record = (call: RecordedCall) => calls.push(call);

  // As `npm start` names its queue folders (under the data directory), so a restart finds them.
  const queueDir = (queueArn: string) => {
    const name = queueArn.split(':').at(-1) as string;
    const local = /^registrationqueue/.test(name)
      ? 'registration'
      : /^webhookqueue/.test(name)
        ? 'webhooks'
        : name;
    return join(options.dataDir, 'queues', local);
  };
  const enqueue = (queueArn: string, body: string, delaySeconds: number) => {
    const dir = queueDir(queueArn);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const due = Date.now() + Math.min(900, Math.max(0, delaySeconds)) * 1000;
    const id = randomBytes(8).toString('hex');
    const name = `${String(due).padStart(15, '0')}-${id}.json`;
    writeFileSync(join(dir, `.${name}.tmp`), JSON.stringify({ body, receiveCount: 0 }), { mode: 0o600 });
    renameSync(join(dir, `.${name}.tmp`), join(dir, name));
    return id;
  };

  // One endpoint per function, and one for operators' commands, which use their own IAM identity
  // (recorded apart, not checked against a function role).
  const endpoints = new Map<string, { url: string; close(): Promise<void> }>();
  const secrets = { appSecret, providers: JSON.stringify(standinCredentials) };
  for (const id of [...plan.functions.keys(), OPERATOR]) {
    endpoints.set(
      id,
      await startAwsEndpoint(id, {
        plan,
        kms,
        dynamoEndpoint: options.dynamoEndpoint,
        secrets,
        record,
        enqueue,
      }),
    );
  }
  const operator = endpoints.get(OPERATOR) as { url: string };
  const anyFunction = [...plan.functions.values()].find((f) => f.environment.DATA_KEY_ARN)?.environment ?? {};
  const operatorEnv = {
    TABLE_NAME: options.tableName,
    AWS_REGION: plan.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    APP_SECRET_ARN: anyFunction.APP_SECRET_ARN ?? '',
    PROVIDER_SECRET_ARN:
      [...plan.functions.values()].find((f) => f.environment.PROVIDER_SECRET_ARN)?.environment
        .PROVIDER_SECRET_ARN ?? '',
    DATA_KEY_ARN: anyFunction.DATA_KEY_ARN ?? '',
    AWS_ENDPOINT_URL_DYNAMODB: operator.url,
    AWS_ENDPOINT_URL_KMS: operator.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: operator.url,
    AWS_ENDPOINT_URL_STS: operator.url,
  };
  let localOrigin = '';
  const environment = (fn: PlannedFunction): Record<string, string> => {
    const endpoint = endpoints.get(fn.id)?.url as string;
    const standins = Object.fromEntries(
      STANDIN_VARIABLES.flatMap((name) => {
        const value = name === 'LOCAL_ORIGIN' ? localOrigin : options.localEnv[name];
        return value ? [[name, value]] : [];
      }),
    );
    // The SQS client sends to the queue URL's own host: the queues' URLs point at the endpoint.
    const queueUrls = Object.fromEntries(
      Object.entries(fn.environment)
        .filter(([name]) => name.endsWith('_QUEUE_URL'))
        .map(([name, url]) => [name, `${endpoint}${new URL(url).pathname}`]),
    );
    return {
      // The Lambda runtime's own variables, less the two that tell code it runs in Lambda: the
      // local SMS sender (the stand-in for the providers' phones) refuses to run there.
      AWS_REGION: plan.region,
      AWS_DEFAULT_REGION: plan.region,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'rehearsal',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      LAMBDA_TASK_ROOT: fn.assetDir,
      _HANDLER: fn.handler,
      TZ: ':UTC',
      ...fn.environment,
      ...queueUrls,
      // The local stage's configuration: its hospitals, clients and stand-in providers.
      STAGE: 'local',
      ...standins,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_KMS: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    };
  };
  const host = new FunctionHost(plan.functions, environment);

  const consumers: StreamConsumer[] = [];
  for (const stream of plan.streams) {
    if (stream.filters.length !== 1) throw new Error(`${stream.functionId}: one stream filter expected`);
    consumers.push(
      await startStreamConsumer({
        name: `rehearsal-${stream.functionId}`,
        client: options.client,
        endpoint: options.dynamoEndpoint,
        region: plan.region,
        credentials: localCredentials,
        tableName: options.tableName,
        filter: stream.filters[0] as never,
        handler: async (event) => {
          // The mapping reads the stream with the function's role, and the table's key with it.
          for (const action of [
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:DescribeStream',
          ])
            record({
              functionId: stream.functionId,
              action,
              resource: plan.streamArn,
              context: {},
              implied: true,
            });
          record({
            functionId: stream.functionId,
            action: 'kms:Decrypt',
            resource: plan.storageKeyArn,
            context: { 'kms:ViaService': `dynamodb.${plan.region}.amazonaws.com.cn` },
            implied: true,
          });
          return host.invoke(stream.functionId, event);
        },
        checkpointFile: join(state, 'streams', `${options.tableName}-${stream.functionId}.json`),
        onError: options.onError(stream.functionId),
      }),
    );
  }
  const queues: QueueRunner[] = [...plan.queueConsumers].map(([queueArn, functionId]) =>
    startQueueRunner({
      dir: queueDir(queueArn),
      handler: (event) => {
        for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'])
          record({ functionId, action, resource: queueArn, context: {}, implied: true });
        return host.invoke(functionId, {
          Records: event.Records.map((r) => ({ ...r, eventSourceARN: queueArn, awsRegion: plan.region })),
        });
      },
      onError: options.onError(functionId),
    }),
  );

  const server = createServer((req, res) => {
    (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const found = routeFor(plan.routes, req.method ?? 'GET', url.pathname);
      // The catch-all `ANY /{proxy+}` takes every path, so nothing is unmatched in this API.
      if (!found)
        return write(
          res,
          gatewayProblem('MISSING_AUTHENTICATION_TOKEN', 'rehearsal') as APIGatewayProxyResult,
        );
      const { route, params } = found;
      const event = toRestEvent(req, body, { resource: route.path, pathParameters: params });
      if (route.authorized) {
        let verdict: APIGatewayAuthorizerResult;
        try {
          verdict = (await host.invoke(
            plan.authorizerId,
            toAuthorizerEvent(event),
          )) as APIGatewayAuthorizerResult;
        } catch {
          return write(
            res,
            gatewayProblem('AUTHORIZER_FAILURE', event.requestContext.requestId) as APIGatewayProxyResult,
          );
        }
        const allowed = verdict.policyDocument.Statement.some((s) => s.Effect === 'Allow' && 'Resource' in s);
        if (!allowed)
          return write(
            res,
            gatewayProblem('ACCESS_DENIED', event.requestContext.requestId) as APIGatewayProxyResult,
          );
        (event.requestContext as { authorizer?: unknown }).authorizer = asRouteAuthorizer(
          verdict.principalId,
          verdict.context as Record<string, unknown> | undefined,
        );
      }
      try {
        write(res, (await host.invoke(route.functionId, event)) as APIGatewayProxyResult);
      } catch (error) {
        // A function that throws or times out is a 502 at API Gateway; say which, for the test log.
        options.onError(route.functionId)(error);
        write(
          res,
          gatewayProblem('INTEGRATION_FAILURE', event.requestContext.requestId) as APIGatewayProxyResult,
        );
      }
    })().catch((error: unknown) => {
      if (!res.headersSent)
        write(res, renderProblem(error, { requestId: 'rehearsal', lang: 'en' }) as APIGatewayProxyResult);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', () => resolve()));
  localOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const runJob = (task: string) => {
    const schedule = plan.schedules.find((s) => s.input?.task === task);
    if (!schedule) throw new Error(`no schedule runs ${task}`);
    return host.invoke(schedule.functionId, schedule.input);
  };
  return {
    url: localOrigin,
    plan,
    operatorEnv,
    runJob,
    settle: async () => {
      for (let round = 0; round < 3; round++) {
        await Promise.all(consumers.map((c) => c.settled()));
        await Promise.all(queues.map((q) => q.settled()));
      }
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.all([...queues, ...consumers].map((c) => c.stop()));
      await host.stop();
      await Promise.all([...endpoints.values()].map((e) => e.close()));
      const file = process.env[REHEARSAL_CALLS];
      if (file) {
        const undeclared = [...host.undeclared].map(([functionId, names]) => ({
          functionId,
          undeclared: [...names],
        }));
        appendFileSync(
          file,
          `${[...calls.map((c) => JSON.stringify({ kind: 'call', ...c })), ...undeclared.map((u) => JSON.stringify({ kind: 'env', ...u }))].join('\n')}\n`,
        );
      }
    },
  };
}
