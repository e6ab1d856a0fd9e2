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
import { type AssertionLedger, assertedClientId, assertionHolds, JWT_BEARER } from './client-assertion';

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
  readonly assertions: AssertionLedger;
}

/**
 * SMART Backend Services' system scopes, read as ours: reading the hospital's patients (and the
 * RelatedPerson and Coverage that come with them) is `patients:read`.
 */
function internalScope(requested: string): HospitalScope | 'identity:attest' | undefined {
  if (requested === 'patients:read' || requested === 'events:read' || requested === 'identity:attest')
    return requested;
  return /^system\/(Patient|RelatedPerson|Coverage|\*)\.(read|rs|r|s)$/.test(requested)
    ? 'patients:read'
    : undefined;
}

const invalidClient = () =>
  new AppError('invalid_client', { headers: { 'www-authenticate': 'Basic realm="hospital-api"' } });

/**
 * OAuth 2.0 client credentials for hospital systems: `client_secret_basic`, or a signed assertion
 * (`private_key_jwt`, RFC 7523; SMART Backend Services) with the client's registered key.
 * 1. malformed credentials, unknown client, wrong secret (any of the accepted ones during a
 *    rotation), an assertion that does not hold (client-assertion.ts: key, audience, lifetime,
 *    a replayed jti), both methods at once, or a disabled client: 401 `invalid_client`, the same
 *    answer for each;
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
    clientAssertionType?: string | undefined;
    clientAssertion?: string | undefined;
    /** What this token endpoint is called by (RFC 7523 3: the assertion's `aud`). */
    audiences: readonly string[];
    ipPrefix: string;
  },
) {
  if (input.grantType !== 'client_credentials') throw new AppError('unsupported_grant_type');
  const asserted = input.clientAssertionType !== undefined || input.clientAssertion !== undefined;
  if (asserted && (input.authorization || input.clientAssertionType !== JWT_BEARER || !input.clientAssertion))
    throw invalidClient();
  const credentials = asserted ? undefined : parseBasicCredentials(input.authorization);
  const clientId = asserted ? assertedClientId(input.clientAssertion as string) : credentials?.clientId;
  if (!clientId) throw invalidClient();
  const now = deps.clock.now().getTime();
  const failures = {
    scope: rateScopes.hospitalTokenFailures,
    key: `${clientId}|${input.ipPrefix}`,
    ...deps.config.failedTokenRequests,
  };
  const client = deps.config.clients.find((c) => c.clientId === clientId);
  const authenticated =
    client !== undefined &&
    !client.disabled &&
    (credentials
      ? secretMatches(client.secretHashes, credentials.secret)
      : await assertionHolds(client, input.clientAssertion as string, {
          audiences: input.audiences,
          now: deps.clock.now(),
          ledger: deps.assertions,
        }));
  if (!client || !authenticated) {
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
  const mapped = requested.map(internalScope);
  if (mapped.some((s) => s === undefined || !client.scopes.includes(s))) throw new AppError('invalid_scope');
  const scopes = requested.length > 0 ? [...new Set(mapped as string[])] : [...client.scopes];
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
    // What was asked, as it was asked (a SMART client reads its own scope names back).
    scope: requested.length > 0 ? requested.join(' ') : scopes.join(' '),
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
