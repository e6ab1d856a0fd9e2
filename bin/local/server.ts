import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import { AppError } from '../../functions/core/errors';
import { logger } from '../../functions/core/logger';
import { renderProblem } from '../../functions/core/problem';
import { routeKey } from '../../functions/core/route';
import { matchRoute } from '../../functions/core/route-match';
import { authorizerFunction, fallbackRoute, routeList } from '../../functions/routes';
import { localContext, toApiGatewayEvent } from './lambda-event';
import { webSession } from './web-session';
import { isWebPath, serveWeb } from './web-static';

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEventV2,
) => Promise<{ isAuthorized: boolean; context?: Record<string, unknown> }>;

/** The request authorizer event (payload 2.0) API Gateway sends for a route's request. */
function toAuthorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `local:execute-api:$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    ...(event.cookies ? { cookies: event.cookies } : {}),
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
    requestContext: event.requestContext,
  } as APIGatewayRequestAuthorizerEventV2;
}

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/** API Gateway HTTP APIs refuse payloads over 10 MB before any Lambda runs; so does this server. */
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

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | string[]> = { ...result.headers } as Record<string, string>;
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  if (body) headers['content-length'] = body.length;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/**
 * Serves the route table the way API Gateway would: match the route, build the v2 event, invoke
 * the route's real handler module; anything unmatched goes to the fallback handler ($default).
 */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  context: { apiBase: string; webDir: string | undefined },
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    writeResult(res, renderProblem(new AppError('payload_too_large'), { requestId: 'gateway', lang: 'en' }));
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  // The reference web client and its session layer share the origin with the API (no CORS).
  if (path.startsWith('/web/auth/')) {
    writeResult(res, await webSession(req, path, body, context.apiBase));
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
          routeKey: routeKey(match.route),
          params: match.params,
        }
      : {
          module: fallbackRoute.handler,
          group: fallbackRoute.group,
          routeKey: '$default',
          params: undefined,
        };
  const event = toApiGatewayEvent(req, body, {
    routeKey: target.routeKey,
    ...(target.params ? { pathParameters: target.params } : {}),
  });
  if (match.kind === 'found' && match.route.auth !== 'none') {
    // As API Gateway does: run the Lambda authorizer first and hand its context to the route.
    const authorize = (await loadHandler(authorizerFunction.handler)) as unknown as AuthorizerHandler;
    const verdict = await authorize(toAuthorizerEvent(event));
    if (!verdict.isAuthorized) {
      writeResult(res, {
        statusCode: 403,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Forbidden"}',
      });
      return;
    }
    (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: verdict.context };
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
  options: { host?: string; webDir?: string | undefined } = {},
): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  let apiBase = '';
  const server = createServer((req, res) => {
    serve(req, res, { apiBase, webDir: options.webDir }).catch((error: unknown) => {
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
