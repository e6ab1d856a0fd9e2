import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { restEvent } from '../../bin/local/lambda-event';

/** A minimal API Gateway REST API proxy event (payload 1.0), built as the local runtime builds them. */
export function apiEvent(
  options: {
    method?: string;
    path?: string;
    resource?: string;
    headers?: Record<string, string>;
    body?: string;
    query?: Record<string, string>;
    params?: Record<string, string>;
  } = {},
): APIGatewayProxyEvent {
  const path = options.path ?? '/';
  return restEvent({
    method: options.method ?? 'GET',
    path,
    resource: options.resource ?? path,
    headers: { 'User-Agent': 'vitest', ...options.headers },
    query: Object.entries(options.query ?? {}),
    pathParameters: options.params,
    body: options.body,
    sourceIp: '203.0.113.7',
    requestId: 'req-test-1',
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

export const testContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'test',
  memoryLimitInMB: '128',
  awsRequestId: 'aws-req-1',
  logGroupName: 'test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
