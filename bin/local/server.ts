import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { FALLBACK_RESOURCE, type LambdaHandler } from '../../functions/core/dispatch';
import { type GatewayResponseType, gatewayProblem } from '../../functions/core/gateway-responses';
import { logger } from '../../functions/core/logger';
import { renderProblem } from '../../functions/core/problem';
import { matchRoute } from '../../functions/core/route-match';
import { authorizerFunction, fallbackRoute, routeList } from '../../functions/system/route-table';
import { type CaptchaWidgetBackend, isCaptchaWidgetPath, serveCaptchaWidget } from './captcha-widget';
import { asRouteAuthorizer, localContext, toAuthorizerEvent, toRestEvent } from './lambda-event';
import { webSession } from './web-session';
import { isWebPath, serveWeb } from './web-static';

type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
/** A route's answer, or one of the local web client's pages (those set cookies the v2 way). */
type LocalResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2;

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/** API Gateway refuses payloads over 10 MB before any Lambda runs; so does this server. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const handlers = new Map<string, Promise<LambdaHandler>>();

async function loadHandler(modulePath: string): Promise<LambdaHandler> {
  let pending = handlers.get(modulePath);
  if (!pending) {
    pending = import(pathToFileURL(join(functionsDir, `${modulePath}.ts`)).href).then(
      (mod: { handler?: LambdaHandler }) => {
        if (typeof mod.handler !== 'function')
          throw new Error(`functions/${modulePath}.ts does not export handler`);
        return mod.handler;
      },
    );
    handlers.set(modulePath, pending);
  }
  return pending;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function writeResult(res: ServerResponse, result: LocalResult): void {
  const body =
    result.body === undefined || result.body === ''
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | string[]> = { ...result.headers } as Record<string, string>;
  for (const [name, values] of Object.entries(
    ('multiValueHeaders' in result && result.multiValueHeaders) || {},
  )) {
    headers[name] = values.map(String);
  }
  if ('cookies' in result && result.cookies && result.cookies.length > 0)
    headers['set-cookie'] = result.cookies;
  if (body) headers['content-length'] = body.length;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/** What API Gateway answers itself (its gateway responses), as problem+json. */
const gateway = (type: GatewayResponseType, requestId: string) => gatewayProblem(type, requestId);

/**
 * Serves the route table the way the REST API does: match the resource, build the proxy event
 * (payload 1.0), run the REQUEST authorizer on protected routes and hand the route its
 * (stringified) context, invoke the route's real handler module; anything unmatched goes to the
 * catch-all (`ANY /{proxy+}`, the fallback handler).
 */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  context: { apiBase: string; webDir: string | undefined; captcha: CaptchaWidgetBackend | undefined },
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    writeResult(res, gateway('REQUEST_TOO_LARGE', 'gateway'));
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  // The reference web client and its session layer share the origin with the API (no CORS).
  if (path.startsWith('/web/auth/')) {
    writeResult(res, await webSession(req, path, body, context.apiBase));
    return;
  }
  if (context.captcha && isCaptchaWidgetPath(path)) {
    writeResult(res, await serveCaptchaWidget(req, path, body, context.captcha));
    return;
  }
  if (context.webDir && isWebPath(req.method ?? 'GET', path)) {
    const page = await serveWeb(context.webDir, path);
    if (page) {
      writeResult(res, page);
      return;
    }
  }
  const match = matchRoute(routeList, req.method ?? 'GET', path);
  const target =
    match.kind === 'found'
      ? {
          module: match.route.handler,
          group: match.route.group,
          resource: match.route.path,
          params: match.params,
        }
      : match.kind === 'method_not_allowed'
        ? // As in AWS: the route path's `ANY` method, served by the fallback.
          {
            module: fallbackRoute.handler,
            group: fallbackRoute.group,
            resource: match.path,
            params: match.params,
          }
        : {
            module: fallbackRoute.handler,
            group: fallbackRoute.group,
            resource: FALLBACK_RESOURCE,
            params: { proxy: path.replace(/^\//, '') },
          };
  const event = toRestEvent(req, body, { resource: target.resource, pathParameters: target.params });
  if (match.kind === 'found' && match.route.auth !== 'none') {
    // As API Gateway does: run the Lambda authorizer first and hand its context to the route.
    const authorize = (await loadHandler(authorizerFunction.handler)) as unknown as AuthorizerHandler;
    let verdict: APIGatewayAuthorizerResult;
    try {
      verdict = await authorize(toAuthorizerEvent(event));
    } catch {
      writeResult(res, gateway('AUTHORIZER_FAILURE', event.requestContext.requestId));
      return;
    }
    const allowed = verdict.policyDocument.Statement.some(
      (statement) => statement.Effect === 'Allow' && 'Resource' in statement,
    );
    if (!allowed) {
      writeResult(res, gateway('ACCESS_DENIED', event.requestContext.requestId));
      return;
    }
    (event.requestContext as { authorizer?: unknown }).authorizer = asRouteAuthorizer(
      verdict.principalId,
      verdict.context as Record<string, unknown> | undefined,
    );
  }
  const handler = await loadHandler(target.module);
  writeResult(res, await handler(event, localContext(`local-${target.group}`)));
}

export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startHttpServer(
  port: number,
  options: { host?: string; webDir?: string | undefined; captcha?: CaptchaWidgetBackend | undefined } = {},
): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  let apiBase = '';
  const server = createServer((req, res) => {
    serve(req, res, { apiBase, webDir: options.webDir, captcha: options.captcha }).catch((error: unknown) => {
      // Handlers turn their own errors into problems; reaching here means the runtime itself broke.
      logger.error('local runtime failed to serve a request', error as Error);
      if (!res.headersSent)
        writeResult(res, renderProblem(error, { requestId: 'local-runtime', lang: 'en' }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  apiBase = `http://${host}:${address.port}`;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
