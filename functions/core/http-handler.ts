import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { parse, safeParse } from 'zod/mini';
import type { $ZodType, input as InputOf, output as OutputOf } from 'zod/v4/core';
import { type AuthorizerContext, type Identity, readVerdict } from './authorizer-context';
import { callerAddress } from './caller-address';
import type { StageConfig } from './config';
import type { LambdaHandler } from './dispatch';
import { AppError, type FieldIssue, ValidationError } from './errors';
import { prepareInvocation } from './invocation';
import { logger } from './logger';
import { type Lang, negotiateLang } from './messages';
import type { MetricsSink } from './metrics';
import { FHIR_CONTENT_TYPE, renderOperationOutcome } from './operation-outcome';
import { policyStatus } from './policy-status';
import { renderProblem } from './problem';
import { closesOnWindDown, type RouteDefinition, routeProblems } from './route';
import { unsafeStringPaths, withoutUnsafeCharacters } from './text';

/** What the edge itself needs of a group's composition root. */
export interface EdgeDeps {
  readonly config: StageConfig;
  readonly metrics: MetricsSink & { flush(): void };
  /**
   * The hospital integration's own domain (mutual TLS, hospital networks only), when deployed with
   * one: hospital routes answer there and nowhere else.
   */
  readonly hospitalDomain?: string | undefined;
}

/** What the edge middlewares learn about a request; handlers see it as `HttpRequest`. */
interface EdgeState {
  requestId: string;
  lang: Lang;
  /** Header names lower-cased (a REST API passes them as the client sent them), repeats joined. */
  headers: Record<string, string>;
  startedAt: number;
  deps?: { readonly edge: EdgeDeps };
  identity?: Identity;
  hospital?: HospitalCallerView;
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

export type EdgeEvent = APIGatewayProxyEvent & { edge?: EdgeState };
type Request = middy.Request<EdgeEvent, APIGatewayProxyResult | HttpResult<number, unknown>, Error, Context>;

type Infer<S> = S extends $ZodType ? OutputOf<S> : undefined;
type RequestPart<R, K extends 'body' | 'query' | 'params'> = R extends {
  request: { [P in K]: infer S };
}
  ? Infer<S>
  : undefined;
type Responses<R> = R extends { responses: infer S } ? S : never;
/** The statuses a route declares. */
export type SuccessStatus<R> = keyof Responses<R> & number;
type BodyOf<X> = X extends { body: infer B } ? (B extends $ZodType ? InputOf<B> : undefined) : undefined;
/** The body of any of a route's successes. */
export type SuccessBody<R> = { [K in SuccessStatus<R>]: BodyOf<Responses<R>[K]> }[SuccessStatus<R>];

export interface HttpRequest<B = unknown, Q = unknown, P = unknown> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  readonly requestId: string;
  readonly lang: Lang;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly identity?: Identity;
  readonly hospital?: HospitalCallerView;
}

/** The hospital client calling a hospital route. */
export interface HospitalCallerView {
  readonly clientId: string;
  readonly hospitalId: string;
  readonly scopes: readonly string[];
}

export interface HttpResult<S extends number, T> {
  /** One of the route's declared successes; the only one when it declares one. */
  readonly status?: S;
  readonly body?: T;
  readonly headers?: Record<string, string>;
}

export type RouteRequest<R extends RouteDefinition> = HttpRequest<
  RequestPart<R, 'body'>,
  RequestPart<R, 'query'>,
  RequestPart<R, 'params'>
> &
  (R['auth'] extends 'user' ? { readonly identity: Identity } : unknown) &
  (R['auth'] extends 'hospital' ? { readonly hospital: HospitalCallerView } : unknown);

/** A route's Lambda handler: API Gateway REST API proxy events (payload format 1.0). */

/**
 * Wraps a route's use-case call in the edge pipeline: the group's dependencies (built once per
 * cold start by its composition root), request context and language, JSON body checks, zod
 * validation of body, query and path, validation of the answer against the route's declared
 * success, and problem+json for every error. The same function runs in Lambda and under the
 * local server. A handler module imports only its route, its group's deps factory and its use
 * cases, so its Lambda bundle holds its own group alone.
 */
export function httpHandler<const R extends RouteDefinition, D extends { readonly edge: EdgeDeps }>(
  route: R,
  deps: () => D | Promise<D>,
  handle: (request: RouteRequest<R>, deps: D) => Promise<HttpResult<SuccessStatus<R>, SuccessBody<R>>>,
): LambdaHandler {
  return edgePipeline(`${route.method} ${route.path}`, route, deps, async (event) => {
    const edge = event.edge as EdgeState;
    const request: HttpRequest<unknown, unknown, unknown> = {
      body: edge.body,
      query: edge.query,
      params: edge.params,
      requestId: edge.requestId,
      lang: edge.lang,
      headers: edge.headers,
      sourceIp: callerAddress(
        event.requestContext.identity.sourceIp,
        edge.headers['x-forwarded-for'],
        (edge.deps as D).edge.config.auth.trustedHops,
      ),
      // Shown back as a session label: nothing that could disguise it.
      userAgent: withoutUnsafeCharacters(event.requestContext.identity.userAgent ?? '').slice(0, 256),
      ...(edge.identity ? { identity: edge.identity } : {}),
      ...(edge.hospital ? { hospital: edge.hospital } : {}),
    };
    return handle(request as RouteRequest<R>, edge.deps as D);
  });
}

/** The pipeline without a route entry, for the fallback (404/405) handler. */
export function edgePipeline(
  name: string,
  route: RouteDefinition | undefined,
  deps: () => { readonly edge: EdgeDeps } | Promise<{ readonly edge: EdgeDeps }>,
  base: (event: EdgeEvent) => Promise<HttpResult<number, unknown>>,
  /** Without a route: which errors are FHIR's (the fallback under the FHIR base). */
  errorFormat?: (event: EdgeEvent) => RouteDefinition['format'],
): LambdaHandler {
  const pipeline = middy<EdgeEvent, APIGatewayProxyResult | HttpResult<number, unknown>, Error, Context>(base)
    .use(accessLog(name))
    .use(edgeContext(name))
    .use({ before: prepareInvocation })
    .use(groupDeps(deps))
    .use(problemErrors(route, errorFormat))
    .use(serializeResponse(route));
  if (route && closesOnWindDown(route)) pipeline.use(windDownGate());
  if (route?.auth === 'user') pipeline.use(requireIdentity(route));
  if (route?.group === 'hospital') pipeline.use(hospitalDomainOnly());
  if (route?.auth === 'hospital') pipeline.use(requireHospital(route.scope));
  if (route?.request) pipeline.use(jsonBody(route)).use(validateRequest(route));
  return pipeline as unknown as LambdaHandler;
}

const depsOf = (request: Request) => (request.event.edge as EdgeState).deps?.edge;

/** Resolves the group's dependencies once per request (they are built once per cold start). */
function groupDeps(deps: () => { readonly edge: EdgeDeps } | Promise<{ readonly edge: EdgeDeps }>) {
  const groupDepsBefore = async (request: Request): Promise<void> => {
    (request.event.edge as EdgeState).deps = await deps();
  };
  return { before: groupDepsBefore };
}

function edgeContext(routeName: string) {
  const edgeContextBefore = (request: Request): void => {
    const { event, context } = request;
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const headers = lowerCaseHeaders(event);
    event.edge = {
      requestId,
      lang: negotiateLang(headers['accept-language']),
      headers,
      startedAt: performance.now(),
    };
    logger.resetKeys();
    logger.addContext(context);
    logger.appendKeys({ requestId, route: routeName });
  };
  return { before: edgeContextBefore };
}

/** One line per request: route, status, duration. Never headers, query or body. */
function accessLog(routeName: string) {
  const write = (request: Request): void => {
    flushMetrics(depsOf(request));
    const response = request.response as APIGatewayProxyResult | undefined;
    const started = request.event.edge?.startedAt ?? performance.now();
    logger.info('request', {
      method: request.event.httpMethod,
      route: routeName,
      status: response?.statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };
  return { after: write, onError: write };
}

/**
 * The caller's identity, as the authorizer (functions/authorizer/handlers/authorizer.ts) decided it: API
 * Gateway runs the authorizer in AWS and the local server runs the same handler before the route.
 * The authorizer lets every request through with its verdict, so refusals are problem+json here.
 */
function verdictOf(request: Request): AuthorizerContext | undefined {
  return readVerdict(request.event.requestContext?.authorizer as Record<string, unknown> | null | undefined);
}

/**
 * Once the service has stopped (`npm run wind-down -- stop`, read from the deployment within the
 * stage's refresh time), a route that changes or collects something answers 503 with the
 * operator's announcement in the request's language; reading, export and consent stay.
 */
function windDownGate() {
  const windDownGateBefore = (request: Request): void => {
    const edge = request.event.edge as EdgeState;
    const windDown = (depsOf(request) as EdgeDeps).config.windDown;
    if (!windDown?.stoppedAt) return;
    throw new AppError('service_stopped', {
      extensions: { announcement: windDown.announcement[edge.lang], stoppedAt: windDown.stoppedAt },
    });
  };
  return { before: windDownGateBefore };
}

/** Lower-cased header names; a header sent more than once is joined with commas. */
function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 0) headers[name.toLowerCase()] = values.join(',');
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && headers[name.toLowerCase()] === undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Query parameters, a repeated one joined with commas. */
function queryOf(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 0) query[name] = values.join(',');
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && query[name] === undefined) query[name] = value;
  }
  return query;
}

function refusal(verdict: AuthorizerContext | undefined): AppError {
  const code = verdict?.ok === false ? verdict.code : undefined;
  return new AppError(code === 'token_expired' || code === 'forbidden' ? code : 'unauthorized');
}

function requireIdentity(route: RouteDefinition) {
  const requireIdentityBefore = (request: Request): void => {
    const edge = request.event.edge as EdgeState;
    const verdict = verdictOf(request);
    if (verdict?.ok !== true || verdict.kind !== 'user') throw refusal(verdict);
    if (!route.allowsStalePolicy) {
      const status = policyStatus(
        (depsOf(request) as EdgeDeps).config.privacy.policies,
        verdict.policyVersion,
      );
      if (status.reconsentRequired) {
        throw new AppError('policy_reconsent_required', { extensions: { policyVersion: status.current } });
      }
    }
    edge.identity = {
      userId: verdict.userId,
      sessionId: verdict.sessionId,
      amr: verdict.amr.split(',').filter(Boolean),
      policyVersion: verdict.policyVersion,
    };
  };
  return { before: requireIdentityBefore };
}

/** A hospital client's token with the route's scope; a user token is refused here. */
/**
 * With a hospital domain configured, a hospital route reached through any other name (the public
 * domain, which has no client-certificate check) is refused before credentials are looked at.
 */
function hospitalDomainOnly() {
  const hospitalDomainOnlyBefore = (request: Request): void => {
    const expected = depsOf(request)?.hospitalDomain;
    if (expected && request.event.requestContext?.domainName?.toLowerCase() !== expected.toLowerCase())
      throw new AppError('forbidden');
  };
  return { before: hospitalDomainOnlyBefore };
}

function requireHospital(scope: string | undefined) {
  const requireHospitalBefore = (request: Request): void => {
    const edge = request.event.edge as EdgeState;
    const verdict = verdictOf(request);
    if (verdict?.ok !== true || verdict.kind !== 'hospital') throw refusal(verdict);
    const scopes = verdict.scope.split(' ');
    if (scope && !scopes.includes(scope)) throw new AppError('insufficient_scope');
    edge.hospital = { clientId: verdict.clientId, hospitalId: verdict.hospitalId, scopes };
  };
  return { before: requireHospitalBefore };
}

/** Metrics are best effort: a failure to write them must never change the response. */
function flushMetrics(deps: EdgeDeps | undefined): void {
  try {
    deps?.metrics.flush();
  } catch (error) {
    logger.warn('metrics not flushed', { errorName: (error as Error).name });
  }
}

/**
 * Every error becomes a problem. A problem the route does not declare is answered as it is in
 * production (and logged); in the local and dev stages it is a 500, so tests find the gap between
 * what a route says it answers and what it does.
 */
function problemErrors(
  route: RouteDefinition | undefined,
  errorFormat?: (event: EdgeEvent) => RouteDefinition['format'],
) {
  const declared = route ? new Set<string>(routeProblems(route)) : undefined;
  const problemErrorsOnError = (request: Request): void => {
    let { error } = request;
    const edge = request.event.edge ?? { requestId: request.context.awsRequestId, lang: 'zh-CN' as const };
    if (error instanceof AppError) {
      if (declared && !declared.has(error.code)) {
        logger.error('problem not declared by its route', { problemCode: error.code });
        if (depsOf(request)?.config.stage !== 'prod') error = new Error(`undeclared problem ${error.code}`);
      } else {
        logger.info('request refused', { problemCode: error.code });
      }
    } else {
      logger.error('request failed', error as Error);
    }
    const context = { requestId: edge.requestId, lang: edge.lang };
    const format = route?.format ?? errorFormat?.(request.event);
    request.response =
      format === 'fhir'
        ? renderOperationOutcome(error, context)
        : renderProblem(error, { ...context, oauth: format === 'oauth' });
  };
  return { onError: problemErrorsOnError };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

function jsonBody(route: RouteDefinition) {
  const jsonBodyBefore = (request: Request): void => {
    const { event } = request;
    const edge = event.edge as EdgeState;
    if (!route.request?.body) return;
    const raw =
      event.body === undefined || event.body === null
        ? ''
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64')
          : event.body;
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
    if (size > (depsOf(request) as EdgeDeps).config.maxBodyBytes) throw new AppError('payload_too_large');
    if (size === 0) {
      edge.body = undefined;
      return;
    }
    const contentType = edge.headers['content-type'] ?? '';
    if (route.request.bodyFormat === 'form') {
      if (!FORM_TYPE.test(contentType)) throw new AppError('unsupported_media_type');
      edge.body = Object.fromEntries(new URLSearchParams(raw.toString()));
      return;
    }
    if (!JSON_TYPE.test(contentType)) throw new AppError('unsupported_media_type');
    try {
      edge.body = JSON.parse(raw.toString());
    } catch {
      throw new AppError('malformed_json');
    }
  };
  return { before: jsonBodyBefore };
}

function validateRequest(route: RouteDefinition) {
  const validateRequestBefore = (request: Request): void => {
    const { event } = request;
    const edge = event.edge as EdgeState;
    const issues: FieldIssue[] = [];
    const check = (part: 'body' | 'query' | 'params', schema: $ZodType | undefined, input: unknown) => {
      if (!schema) return undefined;
      // Before any schema: control, bidi and zero-width characters are refused in every string.
      const unsafe = unsafeStringPaths(input, part);
      if (unsafe.length > 0) {
        for (const path of unsafe) issues.push({ path, issue: 'unsafe_characters' });
        return undefined;
      }
      const result = safeParse(schema, input);
      if (result.success) return result.data;
      // Paths and issue kinds only: the offending values may be a phone or an ID number.
      for (const issue of result.error.issues)
        issues.push({ path: [part, ...issue.path].join('.'), issue: issue.code });
      return undefined;
    };
    edge.body = check('body', route.request?.body, edge.body);
    edge.query = check('query', route.request?.query, queryOf(event));
    edge.params = check('params', route.request?.params, event.pathParameters ?? {});
    if (issues.length > 0) throw new ValidationError(issues);
  };
  return { before: validateRequestBefore };
}

function serializeResponse(route: RouteDefinition | undefined) {
  const statuses = route ? (Object.keys(route.responses).map(Number) as number[]) : [];
  const serializeResponseAfter = (request: Request): void => {
    const result = (request.response ?? {}) as HttpResult<number, unknown>;
    const status = result.status ?? (statuses.length === 1 ? (statuses[0] as number) : 200);
    let body = result.body;
    if (route) {
      // An answer that breaks its own contract is our bug: fail loudly (500) rather than leak it.
      const declared = (route.responses as Record<number, { body?: $ZodType } | undefined>)[status];
      if (!declared) throw new Error(`status ${status} is not declared by its route`);
      body = declared.body ? parse(declared.body, result.body) : undefined;
    }
    request.response = {
      statusCode: status,
      headers: {
        ...(body === undefined
          ? {}
          : {
              'content-type': `${route?.format === 'fhir' ? FHIR_CONTENT_TYPE : 'application/json'}; charset=utf-8`,
            }),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...result.headers,
      },
      body: body === undefined ? '' : JSON.stringify(body),
    };
  };
  return { after: serializeResponseAfter };
}
