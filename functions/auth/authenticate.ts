import { createLocalJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Identity } from '../core/authorizer-context';
import type { HospitalApiConfig } from '../core/config';
import { AppError } from '../core/errors';
import type { AuthDeps } from './ports';
import { isSessionLive } from './sessions';

export type { Identity } from '../core/authorizer-context';

export type Authenticator = Pick<
  AuthDeps,
  'config' | 'clock' | 'sessions' | 'signer' | 'acceptedPolicyVersion'
> & {
  readonly hospitalApi: HospitalApiConfig;
};

/**
 * Who is calling: verifies the bearer token (ES256 only, issuer, audience, exp, nbf, the claims we
 * issue) against our public keys, then checks its session is still live, so logout and revocation
 * take effect at once rather than when the 15-minute token runs out.
 */
export async function authenticate(
  deps: Pick<AuthDeps, 'config' | 'clock' | 'sessions' | 'signer'>,
  authorization: string | undefined,
): Promise<Identity> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization?.trim() ?? '');
  if (!match?.[1]) throw new AppError('unauthorized');
  let payload: JWTPayload;
  try {
    const keys = createLocalJWKSet((await deps.signer.jwks()) as Parameters<typeof createLocalJWKSet>[0]);
    ({ payload } = await jwtVerify(match[1], keys, {
      algorithms: ['ES256'],
      issuer: deps.config.tokens.issuer,
      audience: deps.config.tokens.audience,
      requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
      currentDate: deps.clock.now(),
      clockTolerance: 5,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AppError('token_expired');
    throw new AppError('unauthorized');
  }
  const userId = String(payload.sub);
  const sessionId = String(payload.sid);
  const session = await deps.sessions.getSession(userId, sessionId);
  if (!session || !isSessionLive(deps, session, deps.clock.now().getTime())) {
    throw new AppError('unauthorized');
  }
  return { userId, sessionId, amr: Array.isArray(payload.amr) ? payload.amr.map(String) : [] };
}
