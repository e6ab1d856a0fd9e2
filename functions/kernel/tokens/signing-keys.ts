/**
 * A signing key shared by every function instance for one epoch: its public half is published
 * in the JWKS under its own `kid`, so a standard verifier needs nothing else; its certificate by
 * the root rides in each token for our own verifiers (verify-token.ts); its private half is
 * stored sealed.
 */
export interface StoredSigningKey {
  /** `floor(unix seconds / epoch length)`: the period this key signs in. */
  readonly epoch: number;
  /**
   * The `kid` of the root that certified it. Each root has its own key an epoch: after a root
   * rotation or a fail-over to the other region's root, a key certified by a root the verifiers
   * no longer trust is never taken from the table and used again.
   */
  readonly root: string;
  /** The key's JWK thumbprint (RFC 7638). */
  readonly kid: string;
  readonly publicJwk: Readonly<Record<string, unknown>>;
  readonly privateJwk: Readonly<Record<string, unknown>>;
  /** The root's `signing-key+jwt` for this key. */
  readonly certificate: string;
  /** Unix seconds the certificate ends: the epoch's end plus the longest token's life. */
  readonly notAfter: number;
}

/** An epoch's public key as the JWKS lists it, with the epoch it signs in. */
export interface PublishedKey {
  readonly epoch: number;
  readonly jwk: Readonly<Record<string, unknown>>;
}

/** Port: the epochs' signing keys (adapter: dynamo-signing-key-store.ts; memory for tests). */
export interface SigningKeyStore {
  get(epoch: number, root: string): Promise<StoredSigningKey | undefined>;
  /**
   * Claims the making of the epoch's key until `untilSeconds`: true for one caller at a time, so
   * an epoch costs one root signature however many instances reach it at once.
   */
  claim(epoch: number, root: string, nowSeconds: number, untilSeconds: number): Promise<boolean>;
  /** Stores the epoch's key unless one is there already; answers the key that stands. */
  create(key: StoredSigningKey): Promise<StoredSigningKey>;
  /** The public keys whose certificates have not ended at `nowSeconds`, newest first. */
  published(nowSeconds: number): Promise<PublishedKey[]>;
}

/** One process's keys: the tests', the bench's, and a signer built without a table. */
export class MemorySigningKeyStore implements SigningKeyStore {
  readonly #keys = new Map<string, StoredSigningKey>();
  readonly #claims = new Map<string, number>();

  async get(epoch: number, root: string): Promise<StoredSigningKey | undefined> {
    return this.#keys.get(`${root}#${epoch}`);
  }

  async claim(epoch: number, root: string, nowSeconds: number, untilSeconds: number): Promise<boolean> {
    const held = this.#claims.get(`${root}#${epoch}`);
    if (held !== undefined && held > nowSeconds) return false;
    this.#claims.set(`${root}#${epoch}`, untilSeconds);
    return true;
  }

  async create(key: StoredSigningKey): Promise<StoredSigningKey> {
    const standing = this.#keys.get(`${key.root}#${key.epoch}`);
    if (standing) return standing;
    this.#keys.set(`${key.root}#${key.epoch}`, key);
    return key;
  }

  async published(nowSeconds: number) {
    return [...this.#keys.values()]
      .filter((k) => k.notAfter > nowSeconds)
      .sort((a, b) => b.epoch - a.epoch)
      .map((k) => ({ epoch: k.epoch, jwk: k.publicJwk }));
  }
}
