import type { JWTPayload } from 'jose';
import type { Clock } from '../core/clock';
import type { HospitalApiConfig } from '../core/config';
import { AppError } from '../core/errors';
import { parseBasicCredentials, secretMatches } from '../kernel/client-credentials';
import { newId } from '../kernel/ids';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import type { TokenSigner } from '../kernel/tokens/ports';
import { TokenRefusedError, verifyToken } from '../kernel/tokens/verify-token';
import { rateScopes } from '../store/keys';

export type HospitalScope = 'patients:read' | 'events:read';

export interface HospitalCaller {
  readonly clientId: string;
  readonly hospitalId: string;
  readonly scopes: readonly HospitalScope[];
}

export interface HospitalAuthDeps {
  readonly config: HospitalApiConfig;
  readonly issuer: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly signer: TokenSigner;
  readonly limiter: RateLimiter;
}

const invalidClient = () =>
  new AppError('invalid_client', { headers: { 'www-authenticate': 'Basic realm="hospital-api"' } });

/**
 * OAuth 2.0 client credentials (`client_secret_basic`) for hospital systems.
 * 1. malformed credentials, unknown client, wrong secret (any of the accepted ones during a
 *    rotation) or a disabled client: 401 `invalid_client`, the same answer for each;
 * 2. a wrong secret counts per (client id, caller's IP prefix); past the window's max that
 *    network's wrong secrets get 429 instead of 401. A right secret is never refused for what
 *    others sent (its network may be shared with them): secrets are 32 random bytes compared as
 *    hashes, so there is nothing to slow down by refusing the right one;
 * 3. a right secret counts against the client's own per-minute limit;
 * 4. the scopes asked for must be the client's; none asked means all of them;
 * 5. a 5-minute ES256 JWT for the hospital API audience, naming the hospital.
 */
export async function issueHospitalToken(
  deps: HospitalAuthDeps,
  input: {
    authorization: string | undefined;
    grantType: string;
    scope?: string | undefined;
    ipPrefix: string;
  },
) {
  if (input.grantType !== 'client_credentials') throw new AppError('unsupported_grant_type');
  const credentials = parseBasicCredentials(input.authorization);
  if (!credentials) throw invalidClient();
  const now = deps.clock.now().getTime();
  const failures = {
    scope: rateScopes.hospitalTokenFailures,
    key: `${credentials.clientId}|${input.ipPrefix}`,
    ...deps.config.failedTokenRequests,
  };
  const client = deps.config.clients.find((c) => c.clientId === credentials.clientId);
  if (!client || client.disabled || !secretMatches(client.secretHashes, credentials.secret)) {
    const attempt = await deps.limiter.hit(failures, now);
    if (!attempt.allowed) throw new AppError('rate_limited', { retryAfter: attempt.retryAfter });
    throw invalidClient();
  }
  const hit = await deps.limiter.hit(
    {
      scope: rateScopes.hospitalToken,
      key: client.clientId,
      seconds: 60,
      max: deps.config.tokenRequestsPerMinute,
    },
    now,
  );
  if (!hit.allowed) throw new AppError('rate_limited', { retryAfter: hit.retryAfter });
  const requested = (input.scope ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => !client.scopes.includes(s as HospitalScope))) throw new AppError('invalid_scope');
  const scopes = requested.length > 0 ? requested : [...client.scopes];
  const iat = Math.floor(now / 1000);
  const accessToken = await deps.signer.sign({
    iss: deps.issuer,
    aud: deps.config.audience,
    sub: client.clientId,
    hospital_id: client.hospitalId,
    scope: scopes.join(' '),
    iat,
    nbf: iat,
    exp: iat + deps.config.tokenTtlSeconds,
    jti: newId(deps.random),
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer' as const,
    expires_in: deps.config.tokenTtlSeconds,
    scope: scopes.join(' '),
  };
}

/** A hospital token: signature, issuer, audience, expiry, and a client that is still enabled. */
export async function authenticateHospital(
  deps: Pick<HospitalAuthDeps, 'config' | 'issuer' | 'clock' | 'signer'>,
  token: string,
): Promise<HospitalCaller> {
  let payload: JWTPayload;
  try {
    payload = await verifyToken(token, {
      roots: await deps.signer.roots(),
      now: deps.clock.now(),
      issuer: deps.issuer,
      audience: deps.config.audience,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
  } catch (error) {
    if (error instanceof TokenRefusedError && error.reason === 'expired') throw new AppError('token_expired');
    throw new AppError('unauthorized');
  }
  const client = deps.config.clients.find((c) => c.clientId === payload.sub);
  if (!client || client.disabled || client.hospitalId !== payload.hospital_id)
    throw new AppError('unauthorized');
  const scopes = String(payload.scope ?? '')
    .split(' ')
    .filter((s): s is HospitalScope => client.scopes.includes(s as HospitalScope));
  return { clientId: client.clientId, hospitalId: client.hospitalId, scopes };
}
