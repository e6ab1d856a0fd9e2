import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One Lambda serves a route group: API Gateway names the matched route in `routeKey`
 * (`GET /health`, or `$default`), and this picks that route's handler.
 */
export function dispatchByRouteKey(handlers: Readonly<Record<string, LambdaHandler>>): LambdaHandler {
  return async (event, context) => {
    const handler = handlers[event.routeKey];
    if (!handler) throw new Error(`route ${event.routeKey} is not served by this function`);
    return handler(event, context);
  };
}
