import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { localCredentials } from '../../bin/local/dynamodb-local';
import { ensureTable } from '../../bin/local/ensure-table';
import { restEvent, toAuthorizerEvent } from '../../bin/local/lambda-event';
import { projectVariables, unexcused } from '../../bin/rehearsal/env-check';
import { FunctionHost } from '../../bin/rehearsal/function-host';
import { REHEARSAL_CDK_OUT, stackNames } from '../../bin/rehearsal/host-template';
import { type Plan, type PlannedFunction, readPlan } from '../../bin/rehearsal/plan';
import { routeList, workers } from '../../functions/system/route-table';

/**
 * What `cdk deploy` uploads, run: the prod stage synthesized for cn-north-1 with bundling on,
 * each function's built asset loaded in a thread of its own (the file and export its Handler
 * names, the template's environment, as the Lambda runtime sets it) and invoked with the events
 * API Gateway would send. The rehearsal's plan reads the template; only DynamoDB is local here.
 */
const tableName = `bundled-${Date.now()}`;
let plan: Plan;
let host: FunctionHost;

/** The template's environment with the Lambda runtime's own variables; the table on DynamoDB Local. */
function lambdaEnvironment(fn: PlannedFunction): Record<string, string> {
  return {
    AWS_REGION: plan.region,
    AWS_DEFAULT_REGION: plan.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.id,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'rehearsal',
    LAMBDA_TASK_ROOT: fn.assetDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    ...fn.environment,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  };
}

const ours = projectVariables(join(import.meta.dirname, '..', '..', 'functions'));
const functionOf = (method: string, path: string) => {
  const route = plan.routes.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no ${method} ${path} in the template`);
  return route.functionId;
};
const event = (method: string, path: string, resource: string) =>
  restEvent({
    method,
    path,
    resource,
    headers: { host: 'api.example-hospital.cn', 'user-agent': 'rehearsal' },
    ...(resource === '/{proxy+}' ? { pathParameters: { proxy: path.slice(1) } } : {}),
    sourceIp: '203.0.113.9',
  });

beforeAll(async () => {
  // The rehearsal's synthesis when it runs this file; else one of its own, bundled as a deploy is.
  const given = process.env[REHEARSAL_CDK_OUT];
  const outdir = given ?? mkdtempSync(join(tmpdir(), 'po-bundled-'));
  if (!given) buildApp(new App({ outdir, context: { region: 'cn-north-1', stage: 'prod' } })).app.synth();
  plan = readPlan(outdir, stackNames(outdir), { tableName, region: 'cn-north-1' });
  const client = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'cn-north-1',
    credentials: localCredentials,
  });
  await ensureTable(client, tableName);
  client.destroy();
  host = new FunctionHost(plan.functions, lambdaEnvironment);
}, 240_000);

afterAll(() => host?.stop());

describe('the bundled assets cdk deploy uploads', () => {
  it('gives every function a code asset of its own', () => {
    const assets = [...plan.functions.values()].map((fn) => fn.assetDir);
    // One per route group, one per worker, and the authorizer: what the route table declares.
    expect(assets.length).toBe(new Set(routeList.map((r) => r.group)).size + Object.keys(workers).length + 1);
    expect(new Set(assets).size).toBe(assets.length);
  });

  it('loads each asset on Node 22 with the handler its template names, reading no variable the template does not set', async () => {
    for (const id of plan.functions.keys()) {
      const loaded = await host.load(id);
      expect(loaded.error, id).toBeUndefined();
      expect(loaded.exported, id).toBe(true);
      expect(unexcused(ours, loaded.undeclared), id).toEqual([]);
    }
  });

  it('answers GET /health from the function API Gateway sends it to, as HTTP', async () => {
    const system = functionOf('GET', '/health');
    const answer = (await host.invoke(system, event('GET', '/health', '/health'))) as APIGatewayProxyResult;
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
    expect(unexcused(ours, host.undeclared.get(system) ?? [])).toEqual([]);
  });

  it('answers an unknown path with a 404 problem from the catch-all function', async () => {
    const fallback = functionOf('ANY', '/{proxy+}');
    const answer = (await host.invoke(
      fallback,
      event('GET', '/nowhere', '/{proxy+}'),
    )) as APIGatewayProxyResult;
    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.['content-type']).toContain('application/problem+json');
  });

  it('answers the REQUEST authorizer event with a policy from the authorizer, and only there', async () => {
    const verdict = (await host.invoke(
      plan.authorizerId,
      toAuthorizerEvent(event('GET', '/v1/me', '/v1/me')),
    )) as APIGatewayAuthorizerResult;
    expect(verdict.policyDocument.Statement.length).toBeGreaterThan(0);
    // Every function a route integrates serves HTTP: none answers an event with a policy.
    for (const id of new Set(plan.routes.map((r) => r.functionId))) {
      // A group the catch-all does not route to refuses the event (an error): no policy either.
      const other = (await host.invoke(id, event('GET', '/nowhere', '/{proxy+}')).catch(() => undefined)) as
        | Partial<APIGatewayAuthorizerResult>
        | undefined;
      expect(other?.policyDocument, id).toBeUndefined();
    }
  });
});
