import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import {
  CompactSign,
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../functions/core/clock';
import { CertifiedTokenSigner } from '../../../functions/kernel/tokens/certified-token-signer';
import { derToJose, KmsRootSigner } from '../../../functions/kernel/tokens/kms-root-signer';
import { LocalRootSigner } from '../../../functions/kernel/tokens/local-root-signer';
import { MemorySigningKeyStore } from '../../../functions/kernel/tokens/signing-keys';
import { verifyToken } from '../../../functions/kernel/tokens/verify-token';
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

const claims = (now: Date, extra: Record<string, unknown> = {}) => {
  const iat = Math.floor(now.getTime() / 1000);
  return { iss: 'i', aud: 'a', sub: 'u1', sid: 's1', iat, nbf: iat, exp: iat + 900, jti: 'j', ...extra };
};
const options = (roots: { keys: Record<string, unknown>[] }, now: Date) => ({
  roots,
  now,
  issuer: 'i',
  audience: 'a',
  requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
});

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

describe('certified signing keys', () => {
  it('signs 1,000 tokens with one KMS Sign, each verifying against the JWKS of root keys', async () => {
    const kms = fakeKms();
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    const signer = new CertifiedTokenSigner(
      new KmsRootSigner(kms.client, 'arn:aws-cn:kms:cn-north-1:111122223333:key/abc'),
      clock,
    );
    const roots = await signer.roots();
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => signer.sign(claims(clock.now(), { sub: `u${i}` }))),
    );
    for (const [i, token] of tokens.entries()) {
      if (i % 100 !== 0) continue;
      expect((await verifyToken(token, options(roots, clock.now()))).sub).toBe(`u${i}`);
    }
    expect(kms.calls.filter((c) => c === 'Sign')).toHaveLength(1);
    expect(kms.calls.filter((c) => c === 'GetPublicKey')).toHaveLength(1);
    expect(JSON.stringify(roots)).not.toContain('111122223333');
  });

  it('replaces its key before the certificate ends: old tokens still verify, new ones use a new key', async () => {
    const root = await LocalRootSigner.fromFile(tempKeyFile(), {});
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    const signer = new CertifiedTokenSigner(root, clock, { certificateSeconds: 3600, renewSeconds: 900 });
    const roots = await signer.roots();
    const first = await signer.sign(claims(clock.now()));
    clock.advance(2700_000 + 1000); // past the renewal point, before the certificate ends
    const second = await signer.sign(claims(clock.now()));
    expect(decodeProtectedHeader(second).kid).not.toBe(decodeProtectedHeader(first).kid);
    expect(root.signatures).toBe(2);
    await expect(verifyToken(second, options(roots, clock.now()))).resolves.toBeTruthy();
    // The first token's own 15 minutes are over; its certificate still vouches for the key until then.
    await expect(verifyToken(first, options(roots, clock.now()))).rejects.toMatchObject({
      reason: 'expired',
    });
  });

  it('ends trust in everything a root certified when the root leaves the JWKS (rotation)', async () => {
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    const oldRoot = await LocalRootSigner.fromFile(tempKeyFile(), {});
    const newRoot = await LocalRootSigner.fromFile(tempKeyFile(), {});
    const token = await new CertifiedTokenSigner(oldRoot, clock).sign(claims(clock.now()));
    const both = { keys: [...(await newRoot.jwks()).keys, ...(await oldRoot.jwks()).keys] };
    await expect(verifyToken(token, options(both, clock.now()))).resolves.toBeTruthy();
    // Cached as verified a moment ago, refused once its root is gone.
    await expect(verifyToken(token, options(await newRoot.jwks(), clock.now()))).rejects.toMatchObject({
      reason: 'invalid',
    });
  });

  describe('as an attacker', () => {
    async function setting() {
      const clock = new ManualClock('2026-11-29T08:00:00Z');
      const root = await LocalRootSigner.fromFile(tempKeyFile(), {});
      const signer = new CertifiedTokenSigner(root, clock);
      return { clock, root, roots: await root.jwks(), token: await signer.sign(claims(clock.now())) };
    }
    const refused = (promise: Promise<unknown>) =>
      expect(promise).rejects.toMatchObject({ reason: 'invalid' });

    it('cannot certify a key of their own with a root that is not ours', async () => {
      const { clock, roots } = await setting();
      const stranger = new CertifiedTokenSigner(await LocalRootSigner.fromFile(tempKeyFile(), {}), clock);
      await refused(verifyToken(await stranger.sign(claims(clock.now())), options(roots, clock.now())));
    });

    it('cannot reuse a stolen certificate with a key of their own, nor swap the kid', async () => {
      const { clock, roots, token } = await setting();
      const header = decodeProtectedHeader(token);
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const ownKid = await calculateJwkThumbprint(await exportJWK(publicKey));
      for (const kid of [header.kid, ownKid]) {
        const forged = await new SignJWT(claims(clock.now()))
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: String(kid), cert: String(header.cert) })
          .sign(privateKey);
        await refused(verifyToken(forged, options(roots, clock.now())));
      }
    });

    it('cannot pass a certificate off as a token, or a token off as a certificate', async () => {
      const { clock, roots, token } = await setting();
      const certificate = String(decodeProtectedHeader(token).cert);
      await refused(verifyToken(certificate, options(roots, clock.now())));
      const parts = token.split('.');
      const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString());
      const relabelled = `${Buffer.from(JSON.stringify({ ...header, cert: token })).toString('base64url')}.${parts[1]}.${parts[2]}`;
      await refused(verifyToken(relabelled, options(roots, clock.now())));
    });

    it('cannot use an expired certificate, nor sign a token that outlives its certificate', async () => {
      const { clock, root, roots } = await setting();
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(jwk);
      const iat = Math.floor(clock.now().getTime() / 1000);
      const certify = (exp: number) =>
        root.signCompact({ typ: 'signing-key+jwt' }, { sub: kid, cnf: { jwk }, iat, nbf: iat, exp });
      const tokenWith = async (certificate: string, extra = {}) =>
        new SignJWT(claims(clock.now(), extra))
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid, cert: certificate })
          .sign(privateKey);
      await refused(verifyToken(await tokenWith(await certify(iat - 60)), options(roots, clock.now())));
      await refused(
        verifyToken(
          await tokenWith(await certify(iat + 300), { exp: iat + 900 }),
          options(roots, clock.now()),
        ),
      );
      await expect(
        verifyToken(await tokenWith(await certify(iat + 3600)), options(roots, clock.now())),
      ).resolves.toBeTruthy();
    });

    it('cannot get past with alg none, HS256 under the public key, a missing certificate or garbage', async () => {
      const { clock, roots, token } = await setting();
      const [, body] = token.split('.');
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`;
      const hs = await new CompactSign(
        new TextEncoder().encode(Buffer.from(body as string, 'base64url').toString()),
      )
        .setProtectedHeader({ alg: 'HS256', kid: 'x', cert: String(decodeProtectedHeader(token).cert) })
        .sign(new TextEncoder().encode(JSON.stringify(roots.keys[0])));
      const { privateKey } = await generateKeyPair('ES256');
      const bare = await new SignJWT(claims(clock.now()))
        .setProtectedHeader({ alg: 'ES256', kid: 'k' })
        .sign(privateKey);
      for (const bad of [none, hs, bare, 'a.b.c', '', token.slice(0, -4)]) {
        await refused(verifyToken(bad, options(roots, clock.now())));
      }
    });
  });
});

describe('a signing root in each region', () => {
  const home = 'arn:aws-cn:kms:cn-north-1:111122223333:key/abc';
  const standbyAlias =
    'arn:aws-cn:kms:cn-northwest-1:111122223333:alias/patient-onboarding-prod-token-signing';
  const standbyKey = 'arn:aws-cn:kms:cn-northwest-1:111122223333:key/def';

  function twoRegions() {
    const keys: Record<string, ReturnType<typeof fakeKms>> = { [home]: fakeKms(), [standbyKey]: fakeKms() };
    const asked: string[] = [];
    let standbyDown = false;
    const clientFor = (arn: string) => ({
      send: async (command: unknown) => {
        const region = arn.split(':')[3] as string;
        asked.push(region);
        if (region === 'cn-northwest-1' && standbyDown) throw new Error('connect ETIMEDOUT');
        const keyArn = arn === standbyAlias ? standbyKey : arn;
        const out = (await (keys[keyArn] as ReturnType<typeof fakeKms>).client.send(command)) as object;
        return { ...out, KeyId: keyArn };
      },
    });
    return { keys, asked, clientFor, down: (value: boolean) => (standbyDown = value) };
  }

  it("trusts the other region's root by alias, under the kid that root signs with", async () => {
    const { clientFor } = twoRegions();
    const standbyRoot = new KmsRootSigner(clientFor, standbyKey, [home]);
    const homeRoot = new KmsRootSigner(clientFor, home, [standbyAlias]);
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    // A token issued in the standby region (after a fail-over) verifies at home, and back.
    const fromStandby = await new CertifiedTokenSigner(standbyRoot, clock).sign(claims(clock.now()));
    const fromHome = await new CertifiedTokenSigner(homeRoot, clock).sign(claims(clock.now()));
    expect((await verifyToken(fromStandby, options(await homeRoot.jwks(), clock.now()))).sub).toBe('u1');
    expect((await verifyToken(fromHome, options(await standbyRoot.jwks(), clock.now()))).sub).toBe('u1');
    expect((await homeRoot.jwks()).keys.map((k) => k.kid)).toEqual([homeRoot.kid, standbyRoot.kid]);
  });

  it('verifies with its own root while the other region is down, and asks again after five minutes', async () => {
    const { clientFor, asked, down } = twoRegions();
    let now = Date.parse('2026-11-29T08:00:00Z');
    const root = new KmsRootSigner(clientFor, home, [standbyAlias], () => now);
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    down(true);
    const token = await new CertifiedTokenSigner(root, clock).sign(claims(clock.now()));
    const jwks = await root.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([root.kid]);
    expect((await verifyToken(token, options(jwks, clock.now()))).sub).toBe('u1');
    const standbyAsks = () => asked.filter((r) => r === 'cn-northwest-1').length;
    const before = standbyAsks();
    for (let i = 0; i < 50; i++) await root.jwks();
    expect(standbyAsks()).toBe(before);
    down(false);
    now += 5 * 60_000;
    expect((await root.jwks()).keys).toHaveLength(2);
    expect(standbyAsks()).toBe(before + 1);
  });

  it('never signs with a key another root certified, though the table holds one for the epoch', async () => {
    // A fail-over (or an emergency root rotation): the restored table holds Beijing's epoch key.
    const { clientFor } = twoRegions();
    const store = new MemorySigningKeyStore();
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    const homeRoot = new KmsRootSigner(clientFor, home);
    const before = await new CertifiedTokenSigner(homeRoot, clock, { keys: async () => store }).sign(
      claims(clock.now()),
    );
    const standbyRoot = new KmsRootSigner(clientFor, standbyKey);
    const after = await new CertifiedTokenSigner(standbyRoot, clock, { keys: async () => store }).sign(
      claims(clock.now()),
    );
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    // Verified by the standby root alone (the home root is not trusted in a fail-over).
    expect((await verifyToken(after, options(await standbyRoot.jwks(), clock.now()))).sub).toBe('u1');
    await expect(verifyToken(before, options(await standbyRoot.jwks(), clock.now()))).rejects.toThrow();
  });

  it('refuses to verify anything when its own root cannot be read', async () => {
    const root = new KmsRootSigner(
      { send: async () => Promise.reject(new Error('AccessDeniedException')) },
      home,
      [standbyAlias],
    );
    await expect(root.jwks()).rejects.toThrow(/AccessDenied/);
  });
});

describe('keys a standard verifier finds', () => {
  async function service() {
    const kms = fakeKms();
    const clock = new ManualClock('2026-11-29T08:00:00Z');
    const root = new KmsRootSigner(kms.client, 'arn:aws-cn:kms:cn-north-1:111122223333:key/abc');
    const store = new MemorySigningKeyStore();
    // Three function instances over one table.
    const instances = Array.from(
      { length: 3 },
      () => new CertifiedTokenSigner(root, clock, { keys: async () => store }),
    );
    return { kms, clock, instances };
  }
  const standard = (jwks: { keys: Record<string, unknown>[] }, token: string, now: Date) =>
    jwtVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), {
      issuer: 'i',
      audience: 'a',
      algorithms: ['ES256'],
      currentDate: now,
    });

  it('shares one key an epoch across instances: one KMS Sign, one kid, published in the JWKS', async () => {
    const { kms, clock, instances } = await service();
    const tokens = await Promise.all(
      instances.flatMap((s) => [s.sign(claims(clock.now())), s.sign(claims(clock.now()))]),
    );
    expect(new Set(tokens.map((t) => decodeProtectedHeader(t).kid)).size).toBe(1);
    expect(kms.calls.filter((c) => c === 'Sign')).toHaveLength(1);
    const jwks = await (instances[2] as CertifiedTokenSigner).jwks();
    expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(tokens[0] as string).kid);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    // jose with the JWKS alone, the way a resource server does it; and ours with the roots alone.
    for (const token of tokens) {
      await expect(standard(jwks, token, clock.now())).resolves.toBeTruthy();
      await expect(
        verifyToken(token, options(await (instances[0] as CertifiedTokenSigner).roots(), clock.now())),
      ).resolves.toBeTruthy();
    }
  });

  it('serves the JWKS from memory for a minute, never hiding a key another instance made since', async () => {
    const { clock, instances } = await service();
    const [a, b] = instances as [CertifiedTokenSigner, CertifiedTokenSigner];
    const store = new MemorySigningKeyStore();
    let reads = 0;
    const counted = new CertifiedTokenSigner(await LocalRootSigner.fromFile(tempKeyFile(), {}), clock, {
      keys: async () => ({
        get: (epoch, root) => store.get(epoch, root),
        claim: (epoch, root, now, until) => store.claim(epoch, root, now, until),
        create: (key) => store.create(key),
        published: (now) => {
          reads++;
          return store.published(now);
        },
      }),
    });
    // Before any key of the epoch exists, nothing is kept: the next read looks again.
    expect((await counted.jwks()).keys).toHaveLength(1);
    await counted.jwks();
    expect(reads).toBe(2);
    const token = await counted.sign(claims(clock.now()));
    const kid = decodeProtectedHeader(token).kid;
    expect((await counted.jwks()).keys.map((k) => k.kid)).toContain(kid);
    await counted.jwks();
    expect(reads).toBe(3);
    clock.advance(61_000);
    await counted.jwks();
    expect(reads).toBe(4);
    // Two instances over one store: B lists A's key as soon as A made it.
    expect((await b.jwks()).keys.filter((k) => k.use === 'sig' && k.kid !== undefined)).toHaveLength(1);
    const fromA = decodeProtectedHeader(await a.sign(claims(clock.now()))).kid;
    expect((await b.jwks()).keys.map((k) => k.kid)).toContain(fromA);
  });

  it('rotates each epoch, keeps publishing the old key until its certificate ends, then drops it', async () => {
    const { clock, instances } = await service();
    const signer = instances[0] as CertifiedTokenSigner;
    const first = await signer.sign(claims(clock.now()));
    clock.advance(11 * 3600_000); // a later epoch (12 h certificates renewed an hour early)
    const second = await signer.sign(claims(clock.now()));
    const [kid1, kid2] = [decodeProtectedHeader(first).kid, decodeProtectedHeader(second).kid];
    expect(kid2).not.toBe(kid1);
    const kids = (await signer.jwks()).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([kid1, kid2]));
    clock.advance(12 * 3600_000);
    expect((await signer.jwks()).keys.map((k) => k.kid)).not.toContain(kid1);
  });

  it('as an attacker: a published signing key does not vouch for another key, and the roots exclude it', async () => {
    const { clock, instances } = await service();
    const signer = instances[0] as CertifiedTokenSigner;
    await signer.sign(claims(clock.now()));
    const roots = await signer.roots();
    const published = await signer.jwks();
    const epochKid = published.keys.find((k) => !roots.keys.some((r) => r.kid === k.kid))?.kid;
    expect(epochKid).toBeTruthy();
    expect(roots.keys.map((k) => k.kid)).not.toContain(epochKid);
    // A key of the attacker's own, "certified" by a signing key they do not hold, fails at our verifier.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const fakeCert = await new SignJWT({
      sub: kid,
      cnf: { jwk: { ...jwk, kid } },
      nbf: 0,
      exp: 4_000_000_000,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'signing-key+jwt', kid: String(epochKid) })
      .sign(privateKey);
    const forged = await new SignJWT(claims(clock.now()))
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid, cert: fakeCert })
      .sign(privateKey);
    await expect(verifyToken(forged, options(roots, clock.now()))).rejects.toMatchObject({
      reason: 'invalid',
    });
    await expect(standard(published, forged, clock.now())).rejects.toThrow();
  });

  it("refuses to sign a token that would outlive its key's certificate", async () => {
    const { clock, instances } = await service();
    const now = Math.floor(clock.now().getTime() / 1000);
    await expect(
      (instances[0] as CertifiedTokenSigner).sign(claims(clock.now(), { exp: now + 2 * 86_400 })),
    ).rejects.toThrow(/outlive/);
  });
});

describe('LocalRootSigner', () => {
  it('keeps its key across restarts, never publishes its private half, and refuses to run in Lambda', async () => {
    const path = tempKeyFile();
    const a = await LocalRootSigner.fromFile(path, {});
    const b = await LocalRootSigner.fromFile(path, {});
    expect(b.kid).toBe(a.kid);
    expect(JSON.stringify(await a.jwks())).not.toContain('"d"');
    await expect(LocalRootSigner.fromFile(tempKeyFile(), { AWS_LAMBDA_FUNCTION_NAME: 'x' })).rejects.toThrow(
      /Lambda/,
    );
  });
});
