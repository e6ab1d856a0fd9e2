import type { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { assertNotInLambda } from '../../crypto/local-key-file';
import type { RootSigner } from './certified-token-signer';

/**
 * `npm start`'s and the tests' root of trust: a P-256 key kept in `.data/keys/`, playing the KMS
 * key that certifies signing keys in AWS (KmsRootSigner). Refuses to run in Lambda.
 */
export class LocalRootSigner implements RootSigner {
  readonly kid: string;
  readonly #privateKey: webcrypto.CryptoKey;
  readonly #publicJwk: JWK;
  /** Local root signatures made (each is a KMS `Sign` in AWS): the bench counts them. */
  signatures = 0;

  private constructor(kid: string, privateKey: webcrypto.CryptoKey, publicJwk: JWK) {
    this.kid = kid;
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
  }

  static async fromFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalRootSigner> {
    assertNotInLambda(env);
    if (!existsSync(path)) {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600, flag: 'wx' });
    }
    const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
    const { d: _private, ...publicJwk } = jwk;
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateKey = (await importJWK(jwk, 'ES256')) as webcrypto.CryptoKey;
    return new LocalRootSigner(kid, privateKey, { ...publicJwk, kid, alg: 'ES256', use: 'sig' });
  }

  async signCompact(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    this.signatures++;
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ ...header, alg: 'ES256', kid: this.kid })
      .sign(this.#privateKey);
  }

  async jwks() {
    return { keys: [{ ...this.#publicJwk }] };
  }
}
