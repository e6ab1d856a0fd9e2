import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import type { HospitalClientConfig } from '../core/config';

/** The assertion type of RFC 7523 2.2 (client authentication by a signed JWT). */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Port: assertions seen, so each is accepted once (RFC 7523 3, SMART Backend Services). */
export interface AssertionLedger {
  /** True the first time this client's `jti` is seen; false for a replay. */
  firstUse(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
}

/** SMART Backend Services asks servers to accept RS384 and ES384; ES256 too, our own. */
const ALGORITHMS = ['RS384', 'ES384', 'ES256'];
const MAX_LIFETIME_SECONDS = 300;

/** The client an assertion names (`iss`), read before anything is verified: only to find its keys. */
export function assertedClientId(assertion: string): string | undefined {
  try {
    const { iss } = decodeJwt(assertion);
    return typeof iss === 'string' ? iss.slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A hospital client's signed assertion (`private_key_jwt`, RFC 7523 3; SMART Backend Services):
 * signed by one of the client's registered keys (by `kid`) with RS384, ES384 or ES256; `iss` and
 * `sub` the client; `aud` this token endpoint; `exp` at most five minutes ahead; its `jti` not
 * seen before. True when all hold.
 */
export async function assertionHolds(
  client: HospitalClientConfig,
  assertion: string,
  expect: { audiences: readonly string[]; now: Date; ledger: AssertionLedger },
): Promise<boolean> {
  if (!client.jwks || client.jwks.keys.length === 0) return false;
  try {
    const { payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks as JSONWebKeySet), {
      algorithms: ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: [...expect.audiences],
      currentDate: expect.now,
      clockTolerance: 5,
      requiredClaims: ['exp', 'jti'],
    });
    const nowSeconds = Math.floor(expect.now.getTime() / 1000);
    const exp = payload.exp as number;
    if (
      exp - nowSeconds > MAX_LIFETIME_SECONDS ||
      typeof payload.jti !== 'string' ||
      payload.jti.length > 256
    )
      return false;
    return await expect.ledger.firstUse(client.clientId, payload.jti, exp * 1000);
  } catch {
    return false;
  }
}
