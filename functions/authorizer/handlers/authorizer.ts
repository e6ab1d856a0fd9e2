import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { authenticate } from '../../auth';
import type { AuthorizerContext } from '../../core/authorizer-context';
import { AppError } from '../../core/errors';
import { prepareInvocation } from '../../core/invocation';
import { logger } from '../../core/logger';
import { authenticateHospital } from '../../hospital';
import { authorizerDeps } from '../deps';

/**
 * The REST API's REQUEST Lambda authorizer. Not cached: it reads the session on every request, so
 * logout and revocation take effect at once (a cache keyed on the Authorization header would let
 * a revoked token in for the cache's life). It allows the request with its verdict in the
 * context, and the route answers a refusal as problem+json; only its own failure refuses outright
 * (a throw: API Gateway's AUTHORIZER_FAILURE, itself problem+json). The local server calls this
 * same handler, with the same event, before every `auth: 'user'` and `auth: 'hospital'` route.
 */
function audienceOf(token: string): unknown {
  try {
    return decodeJwt(token).aud;
  } catch {
    return undefined;
  }
}

type Result = APIGatewayAuthorizerResult & { context: AuthorizerContext };

/** Allows this request only (its method ARN): with no cache, a verdict is never reused for another. */
function allow(event: APIGatewayRequestAuthorizerEvent, principalId: string) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow' as const, Resource: event.methodArn }],
    },
  };
}

/** The Authorization header, whatever case the client wrote its name in. */
function authorizationOf(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  return entry?.[1] ?? undefined;
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<Result> {
  await prepareInvocation();
  try {
    const deps = await authorizerDeps();
    const authorization = authorizationOf(event);
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
        ...allow(event, `hospital:${caller.clientId}`),
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
      ...allow(event, identity.userId),
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
    if (error instanceof AppError) {
      return { ...allow(event, 'anonymous'), context: { ok: false, code: error.code } };
    }
    // Our own failure (store or KMS down): nobody is let in. A throw makes API Gateway answer its
    // AUTHORIZER_FAILURE gateway response (503 service_unavailable as problem+json).
    logger.error('authorizer failed', error as Error);
    throw error;
  }
}
