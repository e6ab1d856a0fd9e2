import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The REST API resource of the catch-all route (`ANY /{proxy+}`): unknown paths and methods. */
export const FALLBACK_RESOURCE = '/{proxy+}';

/**
 * One Lambda serves a route group: a REST API names the matched resource (`/v1/me/cards/{cardId}`)
 * and method, and this picks that route's handler; the catch-all resource, and any method a
 * route's path does not declare, go to `$default`.
 */
export function dispatchByRouteKey(handlers: Readonly<Record<string, LambdaHandler>>): LambdaHandler {
  return async (event, context) => {
    const key = event.resource === FALLBACK_RESOURCE ? '$default' : `${event.httpMethod} ${event.resource}`;
    // Other methods on a route's path (`ANY` there) reach the fallback's function: its `$default`.
    const handler = handlers[key] ?? handlers.$default;
    if (!handler) throw new Error(`route ${key} is not served by this function`);
    return handler(event, context);
  };
}
