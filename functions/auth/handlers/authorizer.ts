import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { AuthorizerContext } from '../../core/authorizer-context';
import { AppError } from '../../core/errors';
import { logger } from '../../core/logger';
import { authenticateHospital } from '../../hospital/hospital-auth';
import { authenticate } from '../authenticate';
import { authorizerDeps } from '../authorizer-deps';

/**
 * The HTTP API Lambda authorizer (simple responses, no caching, so revocation is immediate). It
 * lets the request through with its verdict in the context, and the route answers a refusal as
 * problem+json; API Gateway's own 401/403 bodies would not be. The local server calls this same
 * handler before every `auth: 'user'` and `auth: 'hospital'` route.
 */
function audienceOf(token: string): unknown {
  try {
    return decodeJwt(token).aud;
  } catch {
    return undefined;
  }
}

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  try {
    const deps = await authorizerDeps();
    const authorization = event.headers?.authorization;
    const bearer = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '')?.[1];
    // The audience says which kind of caller this is; each verifier then checks it for real.
    if (bearer && audienceOf(bearer) === deps.hospitalApi.audience) {
      const caller = await authenticateHospital(
        {
          config: deps.hospitalApi,
          issuer: deps.config.tokens.issuer,
          clock: deps.clock,
          signer: deps.signer,
        },
        bearer,
      );
      return {
        isAuthorized: true,
        context: {
          ok: true,
          kind: 'hospital',
          clientId: caller.clientId,
          hospitalId: caller.hospitalId,
          scope: caller.scopes.join(' '),
        },
      };
    }
    const identity = await authenticate(deps, authorization);
    const policyVersion = (await deps.acceptedPolicyVersion(identity.userId)) ?? '';
    return {
      isAuthorized: true,
      context: {
        ok: true,
        kind: 'user',
        userId: identity.userId,
        sessionId: identity.sessionId,
        amr: identity.amr.join(','),
        policyVersion,
      },
    };
  } catch (error) {
    if (error instanceof AppError) return { isAuthorized: true, context: { ok: false, code: error.code } };
    // Our own failure (store or KMS down): refuse outright rather than let the route guess.
    logger.error('authorizer failed', error as Error);
    return { isAuthorized: false, context: { ok: false, code: 'internal_error' } };
  }
}
