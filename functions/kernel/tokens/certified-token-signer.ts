import type { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Clock } from '../../core/clock';
import type { TokenSigner } from './ports';

/**
 * The root of trust: signs the certificates of signing keys, never a token (KMS in AWS, a key
 * file under `npm start`), and publishes its public keys, current and still-trusted previous.
 */
export interface RootSigner {
  readonly kid: string;
  /** A compact JWS of `payload` under the root key (`alg` and `kid` are the root's). */
  signCompact(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
}

/** The `typ` of a signing key's certificate, so a certificate is never taken for a token or back. */
export const CERTIFICATE_TYPE = 'signing-key+jwt';
/** The protected header that carries the certificate in every token. */
export const CERTIFICATE_HEADER = 'cert';

interface SigningKey {
  readonly key: webcrypto.CryptoKey;
  readonly kid: string;
  readonly certificate: string;
  /** Epoch ms: from here the next token is signed by a new key (a new certificate). */
  readonly renewAt: number;
}

/**
 * Signs tokens without a KMS call per token. Each function instance makes its own P-256 key in
 * memory (not extractable) and has the root certify its public half once: a JWT of type
 * `signing-key+jwt` naming the key by thumbprint, holding it as `cnf.jwk` (RFC 7800), valid for
 * `certificateSeconds`. Every token carries that certificate in its header; a verifier checks
 * the certificate against the root keys (the JWKS), then the token against the certified key
 * (verify-token.ts). A key is used until an hour before its certificate ends, then replaced, so a
 * token always ends before the certificate of the key that signed it. What a leaked instance key
 * can do is bounded by its certificate; rotating the root ends every certificate at once.
 * KMS: one `Sign` per instance per `certificateSeconds - renewSeconds`, not one per login (the
 * account's ECC quota is 300 a second).
 */
export class CertifiedTokenSigner implements TokenSigner {
  readonly #root: RootSigner;
  readonly #clock: Clock;
  readonly #certificateSeconds: number;
  readonly #renewSeconds: number;
  #current: SigningKey | undefined;
  #pending: Promise<SigningKey> | undefined;
  /** Certificates made (each one root signature: a KMS `Sign` in AWS). */
  certificates = 0;

  constructor(
    root: RootSigner,
    clock: Clock,
    options: { certificateSeconds?: number; renewSeconds?: number } = {},
  ) {
    this.#root = root;
    this.#clock = clock;
    this.#certificateSeconds = options.certificateSeconds ?? 12 * 3600;
    this.#renewSeconds = options.renewSeconds ?? 3600;
    if (this.#renewSeconds >= this.#certificateSeconds)
      throw new Error('renewSeconds must be below certificateSeconds');
  }

  async #signingKey(): Promise<SigningKey> {
    if (this.#current && this.#clock.now().getTime() < this.#current.renewAt) return this.#current;
    // One certification at a time: parallel signers wait for the same new key; a failure is
    // not kept, so the next token tries again.
    this.#pending ??= this.#certify()
      .then((key) => {
        this.#current = key;
        return key;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  async #certify(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const iat = Math.floor(this.#clock.now().getTime() / 1000);
    const exp = iat + this.#certificateSeconds;
    const certificate = await this.#root.signCompact(
      { typ: CERTIFICATE_TYPE },
      { sub: kid, cnf: { jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } }, iat, nbf: iat, exp },
    );
    this.certificates++;
    return {
      key: privateKey as webcrypto.CryptoKey,
      kid,
      certificate,
      renewAt: (exp - this.#renewSeconds) * 1000,
    };
  }

  async sign(payload: Record<string, unknown>): Promise<string> {
    const signing = await this.#signingKey();
    return new SignJWT(payload)
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'JWT',
        kid: signing.kid,
        [CERTIFICATE_HEADER]: signing.certificate,
      })
      .sign(signing.key);
  }

  jwks() {
    return this.#root.jwks();
  }
}
