import type { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { assertNotInLambda } from '../../crypto/local-key-file';
import type { TokenSigner } from '../ports';

/**
 * ES256 signing with a P-256 key kept in `.data/keys/` for `npm start` and tests. In AWS the key is
 * a KMS asymmetric key that never leaves KMS (KmsTokenSigner); this one refuses to run in Lambda.
 */
export class LocalTokenSigner implements TokenSigner {
  readonly kid: string;
  readonly #privateKey: webcrypto.CryptoKey;
  readonly #publicJwk: JWK;

  private constructor(kid: string, privateKey: webcrypto.CryptoKey, publicJwk: JWK) {
    this.kid = kid;
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
  }

  static async fromFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalTokenSigner> {
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
    return new LocalTokenSigner(kid, privateKey, { ...publicJwk, kid, alg: 'ES256', use: 'sig' });
  }

  async sign(payload: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: this.kid })
      .sign(this.#privateKey);
  }

  async jwks() {
    return { keys: [{ ...this.#publicJwk }] };
  }
}
