import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { AppError } from '../../core/errors';
import { logger } from '../../core/logger';
import { getDeps } from '../../wiring';
import { authenticate } from '../authenticate';
import type { AuthorizerContext } from '../authorizer-context';

/**
 * The HTTP API Lambda authorizer (simple responses, no caching, so revocation is immediate). It
 * lets the request through with its verdict in the context, and the route answers a refusal as
 * problem+json; API Gateway's own 401/403 bodies would not be. The local server calls this same
 * handler before every `auth: 'user'` route.
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  try {
    const identity = await authenticate(await getDeps().authenticator(), event.headers?.authorization);
    return {
      isAuthorized: true,
      context: {
        ok: true,
        userId: identity.userId,
        sessionId: identity.sessionId,
        amr: identity.amr.join(','),
      },
    };
  } catch (error) {
    if (error instanceof AppError) return { isAuthorized: true, context: { ok: false, code: error.code } };
    // Our own failure (store or KMS down): refuse outright rather than let the route guess.
    logger.error('authorizer failed', error as Error);
    return { isAuthorized: false, context: { ok: false, code: 'internal_error' } };
  }
}
