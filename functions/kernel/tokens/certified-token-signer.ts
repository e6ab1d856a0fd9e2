import type { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { Clock } from '../../core/clock';
import type { TokenSigner } from './ports';
import {
  MemorySigningKeyStore,
  type PublishedKey,
  type SigningKeyStore,
  type StoredSigningKey,
} from './signing-keys';

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
/** How long a claim to make an epoch's key holds, and how often a waiting instance looks again. */
const MINT_CLAIM_SECONDS = 10;
const MINT_WAITS = 30;
/** How long an instance serves the JWKS's epoch keys as read. */
const JWKS_CACHE_SECONDS = 60;

/** The protected header that carries the certificate in every token. */
export const CERTIFICATE_HEADER = 'cert';

interface SigningKey {
  readonly key: webcrypto.CryptoKey | Uint8Array;
  readonly kid: string;
  readonly certificate: string;
  readonly epoch: number;
  /** Unix seconds the certificate ends: no token this key signs may outlive it. */
  readonly notAfter: number;
}

/**
 * Signs tokens without a KMS call per token, under keys every verifier can find. Time is cut
 * into epochs of `certificateSeconds - renewSeconds`; each epoch has one P-256 key, shared by
 * every function instance (SigningKeyStore: the first instance to sign in an epoch makes it, has
 * the root certify it once, and stores it, the private half sealed; the others read it). So:
 * - the JWKS (`jwks()`) holds the keys of the epochs whose certificates have not ended, each
 *   under its own `kid`, beside the roots: a standard verifier (jose's remote JWKS, PyJWT's
 *   PyJWKClient) needs nothing else;
 * - every token also carries its key's certificate (a `signing-key+jwt` from the root, holding
 *   the key as `cnf.jwk`, RFC 7800), so our own verifiers check it against the roots alone
 *   (`roots()`, verify-token.ts) and read no table;
 * - a certificate lasts its epoch plus `renewSeconds`, the longest a token lives, so a token
 *   always ends before the certificate of the key that signed it; rotating the root ends every
 *   certificate at once.
 * KMS: one root `Sign` per epoch for the whole service, not one per instance or per login (the
 * account's ECC quota is 300 a second).
 */
export class CertifiedTokenSigner implements TokenSigner {
  readonly #root: RootSigner;
  readonly #clock: Clock;
  readonly #keys: () => Promise<SigningKeyStore>;
  readonly #epochSeconds: number;
  readonly #renewSeconds: number;
  #current: SigningKey | undefined;
  #pending: Promise<SigningKey> | undefined;
  /** The published epoch keys as last read (kept only once they hold the current epoch's key). */
  #published: { epoch: number; until: number; keys: PublishedKey[] } | undefined;
  /** Certificates this instance made (each one root signature: a KMS `Sign` in AWS). */
  certificates = 0;

  constructor(
    root: RootSigner,
    clock: Clock,
    options: {
      certificateSeconds?: number;
      renewSeconds?: number;
      /** Where the epochs' keys live (the table in AWS); one process's memory if not given. */
      keys?: () => Promise<SigningKeyStore>;
    } = {},
  ) {
    this.#root = root;
    this.#clock = clock;
    const certificateSeconds = options.certificateSeconds ?? 12 * 3600;
    this.#renewSeconds = options.renewSeconds ?? 3600;
    if (this.#renewSeconds >= certificateSeconds)
      throw new Error('renewSeconds must be below certificateSeconds');
    this.#epochSeconds = certificateSeconds - this.#renewSeconds;
    const memory = new MemorySigningKeyStore();
    this.#keys = options.keys ?? (async () => memory);
  }

  #nowSeconds(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }

  async #signingKey(): Promise<SigningKey> {
    const epoch = Math.floor(this.#nowSeconds() / this.#epochSeconds);
    if (this.#current?.epoch === epoch) return this.#current;
    // One fetch at a time: parallel signers wait for the same key; a failure is not kept, so
    // the next token tries again.
    this.#pending ??= this.#load(epoch)
      .then((key) => {
        this.#current = key;
        return key;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  async #load(epoch: number): Promise<SigningKey> {
    const stored = await this.#stored(epoch);
    return {
      key: await importJWK({ ...stored.privateJwk }, 'ES256'),
      kid: stored.kid,
      certificate: stored.certificate,
      epoch: stored.epoch,
      notAfter: stored.notAfter,
    };
  }

  /**
   * The epoch's key: read, or made by whoever claims it first. The others wait for it (an epoch
   * change finds every warm instance at once; one root signature serves them all). A claim left
   * by an instance that died runs out after MINT_CLAIM_SECONDS and is taken by the next.
   */
  async #stored(epoch: number): Promise<StoredSigningKey> {
    const store = await this.#keys();
    for (let attempt = 0; attempt < MINT_WAITS; attempt++) {
      const found = await store.get(epoch, this.#root.kid);
      if (found) return found;
      const now = this.#nowSeconds();
      if (await store.claim(epoch, this.#root.kid, now, now + MINT_CLAIM_SECONDS))
        return store.create(await this.#mint(epoch));
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, 25 * 2 ** attempt)));
    }
    throw new Error(
      `no signing key for epoch ${epoch}: another instance holds the claim and has not stored it`,
    );
  }

  async #mint(epoch: number): Promise<StoredSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const publicJwk = { ...jwk, kid, alg: 'ES256', use: 'sig' };
    const iat = this.#nowSeconds();
    const notAfter = (epoch + 1) * this.#epochSeconds + this.#renewSeconds;
    const certificate = await this.#root.signCompact(
      { typ: CERTIFICATE_TYPE },
      { sub: kid, cnf: { jwk: publicJwk }, iat, nbf: epoch * this.#epochSeconds, exp: notAfter },
    );
    this.certificates++;
    return {
      epoch,
      root: this.#root.kid,
      kid,
      publicJwk,
      privateJwk: await exportJWK(privateKey),
      certificate,
      notAfter,
    };
  }

  async sign(
    payload: Record<string, unknown>,
    options?: { readonly typ?: 'JWT' | 'at+jwt' },
  ): Promise<string> {
    const signing = await this.#signingKey();
    if (typeof payload.exp === 'number' && payload.exp > signing.notAfter)
      throw new Error('a token may not outlive the certificate of its key: renewSeconds is below its life');
    return new SignJWT(payload)
      .setProtectedHeader({
        alg: 'ES256',
        typ: options?.typ ?? 'JWT',
        kid: signing.kid,
        [CERTIFICATE_HEADER]: signing.certificate,
      })
      .sign(signing.key);
  }

  /** The published key set: every epoch key whose certificate has not ended, then the roots. */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const [epochKeys, roots] = await Promise.all([this.#publishedKeys(), this.#root.jwks()]);
    return { keys: [...epochKeys.map((k) => ({ ...k.jwk })), ...roots.keys] };
  }

  /**
   * The JWKS is public and fetched often: its epoch keys are read at most once a minute, and only
   * kept while they include the current epoch's key (so a key made since is never hidden).
   */
  async #publishedKeys(): Promise<PublishedKey[]> {
    const now = this.#nowSeconds();
    const epoch = Math.floor(now / this.#epochSeconds);
    const cached = this.#published;
    if (cached && cached.epoch === epoch && now < cached.until) return cached.keys;
    const keys = await (await this.#keys()).published(now);
    this.#published = keys.some((k) => k.epoch === epoch)
      ? { epoch, until: now + JWKS_CACHE_SECONDS, keys }
      : undefined;
    return keys;
  }

  /** What certifies signing keys: the only keys our verifiers trust to vouch for another. */
  roots(): Promise<{ keys: Record<string, unknown>[] }> {
    return this.#root.jwks();
  }
}
