import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import type { RootSigner } from './certified-token-signer';

/**
 * The root of trust in AWS: a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) whose private half
 * never leaves KMS. It signs only the certificates of signing keys (one `Sign` per function
 * instance and certificate lifetime, not per token); its public key, and those of previous keys
 * still trusted during a rotation, are fetched once per cold start and published as the JWKS.
 */
export class KmsRootSigner implements RootSigner {
  readonly kid: string;
  readonly #kms: (keyArn: string) => Pick<KMSClient, 'send'>;
  readonly #keyArn: string;
  readonly #trustedArns: readonly string[];
  readonly #now: () => number;
  #jwks: Promise<{ keys: Record<string, unknown>[] }> | undefined;
  /** When a trusted key could not be read, the time to ask for it again (ms). */
  #retryAt = Number.POSITIVE_INFINITY;

  /**
   * `trustedArns`: other roots whose certificates verify: earlier generations during a rotation,
   * and the other China region's root (by alias ARN).
   */
  constructor(
    /** One client, or one per key (a key in the other region is asked through that region's client). */
    kms: Pick<KMSClient, 'send'> | ((keyArn: string) => Pick<KMSClient, 'send'>),
    keyArn: string,
    trustedArns: readonly string[] = [],
    now: () => number = Date.now,
  ) {
    this.#kms = typeof kms === 'function' ? kms : () => kms;
    this.#keyArn = keyArn;
    this.#trustedArns = trustedArns;
    this.#now = now;
    this.kid = kidFor(keyArn);
  }

  async signCompact(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    const input = `${b64url(JSON.stringify({ ...header, alg: 'ES256', kid: this.kid }))}.${b64url(
      JSON.stringify(payload),
    )}`;
    // RAW: KMS hashes with SHA-256 itself (messages up to 4096 bytes; a certificate is ~400).
    if (input.length > 4096) throw new Error('message too large for KMS RAW signing');
    const out = await this.#kms(this.#keyArn).send(
      new SignCommand({
        KeyId: this.#keyArn,
        Message: Buffer.from(input, 'ascii'),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!out.Signature) throw new Error('KMS returned no signature');
    return `${input}.${Buffer.from(derToJose(out.Signature)).toString('base64url')}`;
  }

  /**
   * This root's public key and every trusted one's. This root's must be read; a trusted one that
   * cannot be (the other region down) is left out and asked for again after five minutes, so a
   * region's loss neither stops verification here nor costs a failed call per request.
   */
  jwks() {
    if (this.#jwks && this.#now() >= this.#retryAt) this.#jwks = undefined;
    this.#jwks ??= this.#readKeys().catch((error: unknown) => {
      this.#jwks = undefined;
      throw error;
    });
    return this.#jwks;
  }

  async #readKeys(): Promise<{ keys: Record<string, unknown>[] }> {
    const [own, ...trusted] = await Promise.allSettled(
      [this.#keyArn, ...this.#trustedArns].map((arn) => this.#publicJwk(arn)),
    );
    if (own?.status !== 'fulfilled') throw own?.reason ?? new Error('no signing key');
    const missing = trusted.filter((t) => t.status === 'rejected').length;
    this.#retryAt = missing > 0 ? this.#now() + TRUSTED_RETRY_MS : Number.POSITIVE_INFINITY;
    return {
      keys: [own.value, ...trusted.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []))],
    };
  }

  async #publicJwk(arn: string): Promise<Record<string, unknown>> {
    const out = await this.#kms(arn).send(new GetPublicKeyCommand({ KeyId: arn }));
    if (!out.PublicKey) throw new Error('KMS returned no public key');
    const jwk = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    }) as JWK;
    // By the key ARN KMS answers with: a root named by alias has the kid it signs with.
    return { ...jwk, kid: kidFor(out.KeyId ?? arn), alg: 'ES256', use: 'sig' };
  }
}

const TRUSTED_RETRY_MS = 5 * 60_000;

/** A short, stable key id that does not expose the account or key ARN. */
export function kidFor(keyArn: string): string {
  return createHash('sha256').update(keyArn).digest('base64url').slice(0, 16);
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * KMS returns ECDSA signatures DER-encoded (SEQUENCE of two INTEGERs); JWS ES256 wants the two
 * 32-byte big-endian values concatenated (RFC 7518 section 3.4).
 */
export function derToJose(der: Uint8Array): Uint8Array {
  let offset = 0;
  const expect = (tag: number) => {
    if (der[offset] !== tag) throw new Error('malformed DER signature');
    offset++;
  };
  const readLength = () => {
    let length = der[offset++] ?? 0;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = (length << 8) | (der[offset++] ?? 0);
    }
    return length;
  };
  const readInteger = () => {
    expect(0x02);
    const length = readLength();
    let value = der.subarray(offset, offset + length);
    offset += length;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new Error('malformed DER integer');
    const out = new Uint8Array(32);
    out.set(value, 32 - value.length);
    return out;
  };
  expect(0x30);
  readLength();
  const r = readInteger();
  const s = readInteger();
  const jose = new Uint8Array(64);
  jose.set(r, 0);
  jose.set(s, 32);
  return jose;
}
