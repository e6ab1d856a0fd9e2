import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { localCredentials } from '../../bin/local/dynamodb-local';
import { ensureTable } from '../../bin/local/ensure-table';
import { projectVariables, unexcused } from '../../bin/rehearsal/env-check';
import { REHEARSAL_CDK_OUT } from '../../bin/rehearsal/host-template';

/**
 * What `cdk deploy` uploads, run: the prod stage synthesized for cn-north-1 with bundling on,
 * each function's built asset loaded in a thread of its own (the file and export its Handler
 * names, the template's environment) and invoked with the events API Gateway would send.
 */
// biome-ignore lint/suspicious/noExplicitAny: template fragments, read field by field
type Json = Record<string, any>;

const ACCOUNT = '111122223333';
const tableName = `bundled-${Date.now()}`;
let outdir: string;
let template: Json;
const workers = new Map<string, AssetWorker>();

interface Ready {
  readonly exported: boolean;
  readonly error?: string;
  readonly undeclared: string[];
}

class AssetWorker {
  readonly ready: Promise<Ready>;
  readonly #worker: Worker;
  readonly #pending = new Map<string, (answer: Json) => void>();
  undeclared: string[] = [];

  constructor(name: string, assetDir: string, handler: string, env: Record<string, string>) {
    this.#worker = new Worker(new URL('../../bin/rehearsal/asset-worker.mjs', import.meta.url), {
      workerData: { name, assetDir, handler },
      env,
    });
    this.ready = new Promise((resolve) => {
      this.#worker.on('message', (message: Json) => {
        this.undeclared = message.undeclared;
        if (message.kind === 'ready') resolve(message as Ready);
        else this.#pending.get(message.id)?.(message);
      });
    });
  }

  invoke(event: Json): Promise<Json> {
    const id = randomUUID();
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ id, event });
    });
  }

  stop() {
    return this.#worker.terminate();
  }
}

const resources = () => Object.entries(template.Resources as Record<string, Json>);
const lambdas = () => resources().filter(([, r]) => r.Type === 'AWS::Lambda::Function');

/** A deploy-time value (Ref, GetAtt, ImportValue) as a local one of the same shape. */
function localValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (name === 'TABLE_NAME') return tableName;
  if (name.endsWith('_QUEUE_URL'))
    return `https://sqs.cn-north-1.amazonaws.com.cn/${ACCOUNT}/${name.toLowerCase()}`;
  if (name === 'EVENT_BUS_NAME') return 'card-events';
  if (name.endsWith('_KEY_ARN')) return `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/${randomUUID()}`;
  if (name.endsWith('_SECRET_ARN'))
    return `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:${name}-AbCdEf`;
  if (name === 'HOSPITAL_DOMAIN') return 'his.example-hospital.cn';
  throw new Error(`no local value for ${name}: ${JSON.stringify(value)}`);
}

/** What the Lambda runtime itself sets for a function (and its credentials). */
function runtimeEnvironment(name: string, fn: Json): Record<string, string> {
  return {
    AWS_REGION: 'cn-north-1',
    AWS_DEFAULT_REGION: 'cn-north-1',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.Properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'rehearsal',
    LAMBDA_TASK_ROOT: '/var/task',
    _HANDLER: String(fn.Properties.Handler),
    TZ: ':UTC',
    // The one deploy-time endpoint we replace: DynamoDB Local for the table.
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  };
}

const ours = projectVariables(join(import.meta.dirname, '..', '..', 'functions'));
const unexcusedReads = (names: readonly string[]) => unexcused(ours, names);

const proxyEvent = (method: string, path: string, resource: string): Json => ({
  resource,
  path,
  httpMethod: method,
  headers: { host: 'api.example-hospital.cn', 'user-agent': 'rehearsal' },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: resource === '/{proxy+}' ? { proxy: path.slice(1) } : null,
  stageVariables: null,
  body: null,
  isBase64Encoded: false,
  requestContext: {
    accountId: ACCOUNT,
    apiId: 'rehearsal',
    httpMethod: method,
    path: `/prod${path}`,
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    requestTimeEpoch: Date.now(),
    resourceId: 'r',
    resourcePath: resource,
    stage: 'prod',
    domainName: 'api.example-hospital.cn',
    identity: { sourceIp: '203.0.113.9', userAgent: 'rehearsal' },
  },
});

beforeAll(async () => {
  // The rehearsal's synthesis when it runs this file; else one of its own, bundled as a deploy is.
  const given = process.env[REHEARSAL_CDK_OUT];
  outdir = given ?? mkdtempSync(join(tmpdir(), 'po-bundled-'));
  if (!given) buildApp(new App({ outdir, context: { region: 'cn-north-1', stage: 'prod' } })).app.synth();
  template = JSON.parse(readFileSync(join(outdir, 'PatientOnboarding-prod-Api.template.json'), 'utf8'));
  const client = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'cn-north-1',
    credentials: localCredentials,
  });
  await ensureTable(client, tableName);
  client.destroy();
  for (const [id, fn] of lambdas()) {
    const variables = fn.Properties.Environment?.Variables ?? {};
    const env = {
      ...runtimeEnvironment(id, fn),
      ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, localValue(k, v)])),
    };
    const assetDir = join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    workers.set(id, new AssetWorker(id, assetDir, fn.Properties.Handler, env));
  }
}, 240_000);

afterAll(async () => {
  await Promise.all([...workers.values()].map((w) => w.stop()));
});

/** The function a route's method integrates, by the method's resource path and verb. */
function functionOf(method: string, path: string): string {
  const pathOf = (id: string): string => {
    const r = template.Resources[id] as Json;
    if (r.Type !== 'AWS::ApiGateway::Resource') return '';
    const parent = r.Properties.ParentId;
    const parentPath = parent['Fn::GetAtt'] ? '' : pathOf(parent.Ref);
    return `${parentPath}/${r.Properties.PathPart}`;
  };
  const found = resources().find(
    ([, r]) =>
      r.Type === 'AWS::ApiGateway::Method' &&
      r.Properties.HttpMethod === method &&
      (r.Properties.ResourceId.Ref ? pathOf(r.Properties.ResourceId.Ref) : '/') === path,
  )?.[1];
  const uri = JSON.stringify(found?.Properties.Integration.Uri);
  const id = lambdas().find(
    ([fnId]) => uri.includes(`"${fnId}"`) || uri.includes(`${fnId.replace(/Function.*/, '')}Live`),
  )?.[0];
  if (!id) throw new Error(`no function integrates ${method} ${path}`);
  return id;
}

describe('the bundled assets cdk deploy uploads', () => {
  it('gives every function a code asset of its own', () => {
    const keys = lambdas().map(([, fn]) => fn.Properties.Code.S3Key);
    expect(keys.length).toBe(15);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('loads each asset on Node 22 with the handler its template names, reading no variable the template does not set', async () => {
    for (const [id, worker] of workers) {
      const ready = await worker.ready;
      expect(ready.error, id).toBeUndefined();
      expect(ready.exported, id).toBe(true);
      expect(unexcusedReads(ready.undeclared), id).toEqual([]);
    }
  });

  it('answers GET /health from the function API Gateway sends it to, as HTTP', async () => {
    const system = workers.get(functionOf('GET', '/health')) as AssetWorker;
    const answer = await system.invoke(proxyEvent('GET', '/health', '/health'));
    expect(answer.error).toBeUndefined();
    expect(answer.result.statusCode).toBe(200);
    expect(JSON.parse(answer.result.body)).toEqual({ status: 'ok' });
    expect(unexcusedReads(system.undeclared)).toEqual([]);
  });

  it('answers an unknown path with a 404 problem from the catch-all function', async () => {
    const fallback = workers.get(functionOf('ANY', '/{proxy+}')) as AssetWorker;
    const answer = await fallback.invoke(proxyEvent('GET', '/nowhere', '/{proxy+}'));
    expect(answer.result.statusCode).toBe(404);
    expect(answer.result.headers['content-type']).toContain('application/problem+json');
  });

  it('answers the REQUEST authorizer event with a policy from the authorizer, and only there', async () => {
    const [authorizerId] = lambdas().find(([id]) => id.startsWith('Authorizer')) ?? [];
    const authorizer = workers.get(authorizerId as string) as AssetWorker;
    const event = {
      ...proxyEvent('GET', '/v1/me', '/v1/me'),
      type: 'REQUEST',
      methodArn: `arn:aws-cn:execute-api:cn-north-1:${ACCOUNT}:rehearsal/prod/GET/v1/me`,
    };
    const answer = await authorizer.invoke(event);
    expect(answer.result.policyDocument.Statement.length).toBeGreaterThan(0);
    // Every other function serves HTTP: none of them answers an event with a policy.
    for (const [id, worker] of workers) {
      if (id === authorizerId || !id.match(/^(System|Auth|Account|Oauth|Cards|Hospital|Privacy|Identity)F/))
        continue;
      const other = await worker.invoke(proxyEvent('GET', '/nowhere', '/{proxy+}'));
      expect(other.result?.policyDocument, id).toBeUndefined();
    }
  });
});
