import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { CERTIFICATE_HEADER, CERTIFICATE_TYPE } from './certified-token-signer';

export interface VerifyOptions {
  /** The root keys (the JWKS): current and still-trusted previous. */
  readonly roots: { keys: Record<string, unknown>[] };
  readonly now: Date;
  readonly issuer: string;
  readonly audience: string;
  readonly requiredClaims: readonly string[];
  /** The token's `typ`: `JWT` (ours) unless asked (`at+jwt`: an OpenID client's access token). */
  readonly typ?: 'JWT' | 'at+jwt';
}

/** The JWS in an `Authorization: Bearer` header (RFC 6750 2.1), or undefined for anything else. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization?.trim() ?? '')?.[1];
}

/** Why a token was refused: expired, or anything else (told apart only as far as clients need). */
export class TokenRefusedError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(`token ${reason}`);
    this.name = 'TokenRefusedError';
  }
}

interface CertifiedKey {
  readonly key: Awaited<ReturnType<typeof importJWK>>;
  /** The key's thumbprint: the `kid` tokens signed with it carry. */
  readonly kid: string;
  readonly rootKid: string;
  /** Epoch seconds the certificate ends. */
  readonly exp: number;
}

/** Verified certificates by their text, so a warm verifier checks each one once (bounded). */
const certified = new Map<string, CertifiedKey>();
const CACHE_LIMIT = 256;
const TOLERANCE_SECONDS = 5;

/**
 * Verifies a token signed by a certified key (certified-token-signer.ts):
 * 1. its header must be ES256 and carry a certificate and the key's id;
 * 2. the certificate must be an ES256 `signing-key+jwt` from a root in `roots`, current at `now`,
 *    naming by thumbprint the key it holds, and that key must be the one the token names;
 * 3. the token must verify under that key (issuer, audience, times, required claims) and end no
 *    later than its certificate.
 * A root taken out of `roots` ends trust in everything it certified, cached or not.
 */
export async function verifyToken(token: string, options: VerifyOptions): Promise<JWTPayload> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenRefusedError('invalid');
  }
  const certificate = header[CERTIFICATE_HEADER];
  if (header.alg !== 'ES256' || typeof certificate !== 'string' || typeof header.kid !== 'string') {
    throw new TokenRefusedError('invalid');
  }
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  const signer = await certifiedKey(certificate, header.kid, options).catch((error: unknown) => {
    // A token past its own end whose certificate (truly the root's) has ended since: expired, so
    // the client refreshes rather than signing in again. Nothing is accepted either way.
    if (error instanceof CertificateEnded && expiredBy(token, nowSeconds))
      throw new TokenRefusedError('expired');
    throw error;
  });
  if (signer.exp + TOLERANCE_SECONDS < nowSeconds) throw new TokenRefusedError('invalid');
  try {
    const { payload } = await jwtVerify(token, signer.key, {
      algorithms: ['ES256'],
      typ: options.typ ?? 'JWT',
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: [...options.requiredClaims],
      currentDate: options.now,
      clockTolerance: TOLERANCE_SECONDS,
    });
    if (typeof payload.exp !== 'number' || payload.exp > signer.exp + TOLERANCE_SECONDS) {
      throw new TokenRefusedError('invalid');
    }
    return payload;
  } catch (error) {
    if (error instanceof TokenRefusedError) throw error;
    throw new TokenRefusedError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
  }
}

async function certifiedKey(certificate: string, kid: string, options: VerifyOptions): Promise<CertifiedKey> {
  const rootKids = new Set(options.roots.keys.map((k) => String(k.kid)));
  const cached = certified.get(certificate);
  if (cached && rootKids.has(cached.rootKid) && cached.kid === kid) return cached;
  try {
    const { payload, protectedHeader } = await jwtVerify(
      certificate,
      createLocalJWKSet(options.roots as Parameters<typeof createLocalJWKSet>[0]),
      {
        algorithms: ['ES256'],
        typ: CERTIFICATE_TYPE,
        requiredClaims: ['sub', 'exp', 'nbf', 'cnf'],
        currentDate: options.now,
        clockTolerance: TOLERANCE_SECONDS,
      },
    );
    const jwk = (payload.cnf as { jwk?: JWK } | undefined)?.jwk;
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) throw new Error('no public P-256 key');
    const thumbprint = await calculateJwkThumbprint(jwk);
    if (thumbprint !== payload.sub || thumbprint !== kid) throw new Error('certificate names another key');
    const entry: CertifiedKey = {
      key: await importJWK(jwk, 'ES256'),
      kid: thumbprint,
      rootKid: String(protectedHeader.kid),
      exp: payload.exp as number,
    };
    if (certified.size >= CACHE_LIMIT) certified.delete(certified.keys().next().value as string);
    certified.set(certificate, entry);
    return entry;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new CertificateEnded();
    throw new TokenRefusedError('invalid');
  }
}

/** The root's signature on the certificate held; only its time had run out. */
class CertificateEnded extends TokenRefusedError {
  constructor() {
    super('invalid');
  }
}

function expiredBy(token: string, nowSeconds: number): boolean {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && exp + TOLERANCE_SECONDS < nowSeconds;
  } catch {
    return false;
  }
}
