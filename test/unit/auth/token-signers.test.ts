import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { derToJose, KmsTokenSigner } from '../../../functions/auth/tokens/kms-token-signer';
import { LocalTokenSigner } from '../../../functions/auth/tokens/local-token-signer';
import { tempKeyFile } from '../../helpers/keys';

/** Plays KMS: signs digests with a P-256 key, returning DER like KMS does. */
function fakeKms() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const calls: string[] = [];
  return {
    calls,
    client: {
      send: async (command: unknown) => {
        if (command instanceof SignCommand) {
          calls.push('Sign');
          expect(command.input.MessageType).toBe('RAW');
          expect(command.input.SigningAlgorithm).toBe('ECDSA_SHA_256');
          const message = Buffer.from(command.input.Message as Uint8Array);
          return { Signature: sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }) };
        }
        if (command instanceof GetPublicKeyCommand) {
          calls.push('GetPublicKey');
          return { PublicKey: publicKey.export({ format: 'der', type: 'spki' }) };
        }
        throw new Error('unexpected command');
      },
    },
  };
}

describe('derToJose', () => {
  it('turns DER ECDSA signatures (short and padded integers alike) into valid raw R||S', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const lengths = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const message = Buffer.from(`m${i}`);
      const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      lengths.add(der.length);
      const raw = derToJose(der);
      expect(raw).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
    // 300 signatures include integers with a leading 0x00 and ones shorter than 32 bytes.
    expect(lengths.size).toBeGreaterThan(1);
    expect(() => derToJose(new Uint8Array([0x31, 0x00]))).toThrow(/malformed/);
  });
});

describe('KmsTokenSigner', () => {
  it('issues ES256 JWTs that verify against its JWKS, fetching the public key once', async () => {
    const kms = fakeKms();
    const signer = new KmsTokenSigner(kms.client, 'arn:aws-cn:kms:cn-north-1:111122223333:key/abc');
    const jwks = createLocalJWKSet((await signer.jwks()) as never);
    for (let i = 0; i < 20; i++) {
      const token = await signer.sign({ sub: `u${i}`, iss: 'i', aud: 'a', exp: 4102444800 });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
      expect(payload.sub).toBe(`u${i}`);
      expect(protectedHeader.kid).toBe(signer.kid);
    }
    await signer.jwks();
    expect(kms.calls.filter((c) => c === 'GetPublicKey')).toHaveLength(1);
    expect(kms.calls.filter((c) => c === 'Sign')).toHaveLength(20);
    expect(signer.kid).not.toContain('111122223333');
  });
});

describe('LocalTokenSigner', () => {
  it('keeps its key across restarts and refuses to run in Lambda', async () => {
    const path = tempKeyFile();
    const a = await LocalTokenSigner.fromFile(path, {});
    const b = await LocalTokenSigner.fromFile(path, {});
    expect(b.kid).toBe(a.kid);
    const token = await a.sign({ sub: 'u1' });
    await expect(jwtVerify(token, createLocalJWKSet((await b.jwks()) as never))).resolves.toBeTruthy();
    expect(JSON.stringify(await a.jwks())).not.toContain('"d"');
    await expect(LocalTokenSigner.fromFile(tempKeyFile(), { AWS_LAMBDA_FUNCTION_NAME: 'x' })).rejects.toThrow(
      /Lambda/,
    );
  });
});
