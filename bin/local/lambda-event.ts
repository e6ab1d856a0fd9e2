import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';

/** The stage name the REST API deploys (and the local runtime names in its ARNs). */
export const STAGE = 'local';
const API_ID = 'local';

export interface RestEventOptions {
  readonly method: string;
  /** The request path under the API's root, e.g. `/v1/me/cards/abc`. */
  readonly path: string;
  /** The matched resource, e.g. `/v1/me/cards/{cardId}` (`/{proxy+}` for the catch-all). */
  readonly resource: string;
  readonly pathParameters?: Readonly<Record<string, string>> | undefined;
  /** As the client sent them (any case); a repeated header as several values. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer | string | undefined;
  readonly sourceIp?: string;
  /** The name the client called (`requestContext.domainName`); by default the Host header's. */
  readonly domainName?: string;
  readonly requestId?: string;
  readonly now?: Date;
}

/**
 * The event an API Gateway REST API's Lambda proxy integration sends (payload format 1.0): header
 * names as sent, single and multi-value headers and query parameters, the resource template,
 * the caller's IP and user agent under `requestContext.identity`, a base64 body unless it is text.
 * The local server, the tests and the bench all build events here, so they test what runs in AWS.
 */
export function restEvent(options: RestEventOptions): APIGatewayProxyEvent {
  const now = options.now ?? new Date();
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const values = typeof value === 'string' ? [value] : [...value];
    multiValueHeaders[name] = values;
    headers[name] = values.at(-1) as string;
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of options.query ?? []) {
    multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
    query[name] = value;
  }
  const raw = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
  const contentType =
    Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const isText =
    raw.length === 0 ||
    /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|x-www-form-urlencoded))/i.test(contentType);
  const userAgent =
    Object.entries(headers).find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null;
  const requestId = options.requestId ?? randomUUID();
  const host = Object.entries(headers).find(([name]) => name.toLowerCase() === 'host')?.[1];
  const domainName = options.domainName ?? host?.replace(/:\d+$/, '') ?? 'localhost';
  return {
    resource: options.resource,
    path: options.path,
    httpMethod: options.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length > 0 ? multiValueQuery : null,
    pathParameters:
      options.pathParameters && Object.keys(options.pathParameters).length > 0
        ? { ...options.pathParameters }
        : null,
    stageVariables: null,
    requestContext: {
      accountId: 'local',
      apiId: API_ID,
      domainName,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: options.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: options.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${STAGE}${options.path}`,
      stage: STAGE,
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: options.resource,
    },
    body: raw.length === 0 ? null : isText ? raw.toString('utf8') : raw.toString('base64'),
    isBase64Encoded: !isText,
  };
}

/** A Node HTTP request as the REST API would hand it to the route matched. */
export function toRestEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { resource: string; pathParameters?: Record<string, string> | undefined },
  now: Date = new Date(),
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    headers[name] = [...(headers[name] ?? []), req.rawHeaders[i + 1] as string];
  }
  return restEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    resource: match.resource,
    pathParameters: match.pathParameters,
    headers,
    query: [...url.searchParams],
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    now,
  });
}

/** The REQUEST authorizer event API Gateway sends for a route's request (no identity sources). */
export function toAuthorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws-cn:execute-api:cn-north-1:local:${API_ID}/${STAGE}/${event.httpMethod}${event.path}`,
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers,
    multiValueHeaders: event.multiValueHeaders,
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    stageVariables: null,
    requestContext: event.requestContext,
  } as APIGatewayRequestAuthorizerEvent;
}

/**
 * The authorizer's context as a REST API hands it to the route: every value a string, beside the
 * principal id it allowed (API Gateway adds `integrationLatency` too).
 */
export function asRouteAuthorizer(principalId: string, context: Record<string, unknown> | undefined) {
  return {
    principalId,
    integrationLatency: 0,
    ...Object.fromEntries(Object.entries(context ?? {}).map(([key, value]) => [key, String(value)])),
  };
}

/** A Lambda context for one local invocation. */
export function localContext(functionName: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `local:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
