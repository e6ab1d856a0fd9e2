import type { JWTPayload } from 'jose';
import type { Identity } from '../core/authorizer-context';
import type { HospitalApiConfig } from '../core/config';
import { AppError } from '../core/errors';
import { bearerToken, TokenRefusedError, verifyToken } from '../kernel/tokens/verify-token';
import type { AuthDeps } from './ports';
import { isSessionLive } from './sessions';

export type Authenticator = Pick<
  AuthDeps,
  'config' | 'clock' | 'sessions' | 'signer' | 'acceptedPolicyVersion'
> & {
  readonly hospitalApi: HospitalApiConfig;
};

/**
 * Who is calling: verifies the bearer token (ES256 only, its signing key's certificate against our
 * root keys, issuer, audience, exp, nbf, the claims we issue), then checks its session is still
 * live, so logout and revocation take effect at once rather than when the 15-minute token runs out.
 */
export async function authenticate(
  deps: Pick<AuthDeps, 'config' | 'clock' | 'sessions' | 'signer'>,
  authorization: string | undefined,
): Promise<Identity> {
  const token = bearerToken(authorization);
  if (!token) throw new AppError('unauthorized');
  let payload: JWTPayload;
  try {
    payload = await verifyToken(token, {
      roots: await deps.signer.roots(),
      now: deps.clock.now(),
      issuer: deps.config.tokens.issuer,
      audience: deps.config.tokens.audience,
      requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
    });
  } catch (error) {
    if (error instanceof TokenRefusedError && error.reason === 'expired') throw new AppError('token_expired');
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
