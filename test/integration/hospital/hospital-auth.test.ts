import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { HospitalApiConfig } from '../../../functions/core/config';
import { DynamoAssertionLedger } from '../../../functions/hospital/dynamo-assertion-store';
import {
  authenticateHospital,
  type HospitalAuthDeps,
  issueHospitalToken,
} from '../../../functions/hospital/hospital-auth';
import { type AuthHarness, authHarness } from '../../helpers/auth-harness';
import { localDynamo } from '../../helpers/dynamo';

const client = localDynamo();
afterAll(() => client.destroy());

const hash = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const config: HospitalApiConfig = {
  audience: 'hospital-api',
  tokenTtlSeconds: 300,
  tokenRequestsPerMinute: 5,
  failedTokenRequests: { seconds: 600, max: 3 },
  clients: [
    // Mid-rotation: the old and the new secret both work.
    {
      clientId: 'his-a',
      hospitalId: 'h-a',
      scopes: ['patients:read', 'events:read'],
      secretHashes: [hash('old-secret'), hash('new-secret')],
      disabled: false,
    },
    {
      clientId: 'his-off',
      hospitalId: 'h-b',
      scopes: ['patients:read'],
      secretHashes: [hash('s')],
      disabled: true,
    },
  ],
};

let h: AuthHarness;
let deps: HospitalAuthDeps;
beforeEach(async () => {
  h = await authHarness(client);
  deps = {
    config,
    issuer: 'https://issuer',
    clock: h.clock,
    random: h.deps.random,
    signer: h.deps.signer,
    limiter: h.deps.limiter,
    assertions: new DynamoAssertionLedger(h.table),
  };
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const HOSPITAL_NET = '198.51.100.0/24';
const TOKEN_URL = 'https://api.example.cn/v1/hospital/oauth/token';
const token = (id: string, secret: string, scope?: string, ipPrefix = HOSPITAL_NET) =>
  issueHospitalToken(deps, {
    authorization: basic(id, secret),
    grantType: 'client_credentials',
    scope,
    audiences: [TOKEN_URL],
    ipPrefix,
  });

describe('hospital client credentials', () => {
  it('accepts either secret during a rotation and names the hospital and scopes in the token', async () => {
    for (const secret of ['old-secret', 'new-secret']) {
      const issued = await token('his-a', secret, 'patients:read');
      const caller = await authenticateHospital(deps, issued.access_token);
      expect(caller).toEqual({ clientId: 'his-a', hospitalId: 'h-a', scopes: ['patients:read'] });
    }
  });

  it('answers wrong secret, unknown and disabled clients alike with invalid_client', async () => {
    for (const [id, secret] of [
      ['his-a', 'nope'],
      ['ghost', 'x'],
      ['his-off', 's'],
    ] as const) {
      await expect(token(id, secret)).rejects.toMatchObject({ code: 'invalid_client' });
    }
    await expect(
      issueHospitalToken(deps, {
        authorization: undefined,
        grantType: 'client_credentials',
        audiences: [TOKEN_URL],
        ipPrefix: HOSPITAL_NET,
      }),
    ).rejects.toMatchObject({ code: 'invalid_client' });
    await expect(
      issueHospitalToken(deps, {
        authorization: basic('his-a', 'new-secret'),
        grantType: 'password',
        audiences: [TOKEN_URL],
        ipPrefix: HOSPITAL_NET,
      }),
    ).rejects.toMatchObject({ code: 'unsupported_grant_type' });
  });

  it('answers malformed credentials (broken percent-encoding, no colon, bad base64) with invalid_client', async () => {
    const raw = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    for (const authorization of [
      raw('his-a:%zz'),
      raw('%E0%A4%A:new-secret'),
      raw('his-a:%'),
      raw('no-colon-here'),
      raw(':secret-without-id'),
      'Basic !!!',
      'Bearer abc',
      `Basic ${'A'.repeat(10)}===`,
    ]) {
      await expect(
        issueHospitalToken(deps, {
          authorization,
          grantType: 'client_credentials',
          audiences: [TOKEN_URL],
          ipPrefix: HOSPITAL_NET,
        }),
      ).rejects.toMatchObject({ code: 'invalid_client' });
    }
  });

  it("slows a stranger's wrong secrets on their network, never the real client's right one", async () => {
    const stranger = '203.0.113.0/24';
    for (let i = 0; i < 10; i++) {
      await token('his-a', `guess-${i}`, undefined, stranger).catch(() => undefined);
    }
    await expect(token('his-a', 'guess-x', undefined, stranger)).rejects.toMatchObject({
      code: 'rate_limited',
    });
    // The right secret is never refused for what others sent, even from the same network (a
    // hospital's systems may sit behind one NAT with the stranger): only wrong secrets wait.
    await expect(token('his-a', 'new-secret', undefined, stranger)).resolves.toMatchObject({
      token_type: 'Bearer',
    });
    await expect(token('his-a', 'new-secret')).resolves.toMatchObject({ token_type: 'Bearer' });
    h.clock.advance(600_000);
    await expect(token('his-a', 'guess-y', undefined, stranger)).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('limits a client with the right secret to its own requests per minute', async () => {
    for (let i = 0; i < 5; i++) await token('his-a', 'new-secret');
    await expect(token('his-a', 'new-secret')).rejects.toMatchObject({ code: 'rate_limited' });
    h.clock.advance(60_000);
    await expect(token('his-a', 'new-secret')).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('expires tokens after 5 minutes and stops a client disabled after issue', async () => {
    const issued = await token('his-a', 'new-secret');
    h.clock.advance(306_000); // 300 s and the 5 s clock tolerance
    await expect(authenticateHospital(deps, issued.access_token)).rejects.toMatchObject({
      code: 'token_expired',
    });
    const fresh = await token('his-a', 'new-secret');
    const disabled = {
      ...deps,
      config: { ...config, clients: config.clients.map((c) => ({ ...c, disabled: true })) },
    };
    await expect(authenticateHospital(disabled, fresh.access_token)).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });
});

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('SMART Backend Services: a signed assertion (private_key_jwt, RFC 7523) instead of a secret', () => {
  const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  let keys: { privateKey: SigningKey; publicJwk: Record<string, unknown> };
  let strangerKey: SigningKey;

  beforeEach(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    keys = {
      privateKey: pair.privateKey,
      publicJwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES384' },
    };
    strangerKey = (await generateKeyPair('ES384')).privateKey;
    deps = {
      ...deps,
      config: {
        ...config,
        clients: [
          {
            ...(config.clients[0] as HospitalApiConfig['clients'][number]),
            jwks: { keys: [keys.publicJwk] },
          },
        ],
      },
    };
  });

  const assertion = (
    claims: Record<string, unknown> = {},
    options: { key?: SigningKey; kid?: string; lifetime?: number } = {},
  ) => {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    return new SignJWT({
      iss: 'his-a',
      sub: 'his-a',
      aud: TOKEN_URL,
      exp: now + (options.lifetime ?? 240),
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES384', kid: options.kid ?? 'k1', typ: 'JWT' })
      .sign(options.key ?? keys.privateKey);
  };
  const exchange = (
    clientAssertion: string,
    extra: { scope?: string; authorization?: string; ipPrefix?: string } = {},
  ) =>
    issueHospitalToken(deps, {
      authorization: extra.authorization,
      grantType: 'client_credentials',
      scope: extra.scope,
      clientAssertionType: JWT_BEARER,
      clientAssertion,
      audiences: [TOKEN_URL],
      ipPrefix: extra.ipPrefix ?? HOSPITAL_NET,
    });

  it('gives a token for a fresh assertion, reading SMART system scopes as ours', async () => {
    const issued = await exchange(await assertion(), { scope: 'system/Patient.rs' });
    expect(issued.scope).toBe('system/Patient.rs');
    expect(await authenticateHospital(deps, issued.access_token)).toEqual({
      clientId: 'his-a',
      hospitalId: 'h-a',
      scopes: ['patients:read'],
    });
    await expect(exchange(await assertion(), { scope: 'system/Observation.read' })).rejects.toMatchObject({
      code: 'invalid_scope',
    });
  });

  it('refuses a replayed, foreign, misaddressed, long-lived or unsigned assertion, and two methods at once', async () => {
    const once = await assertion();
    await exchange(once);
    const attempts = [
      once,
      await assertion({}, { key: strangerKey }),
      await assertion({}, { kid: 'unknown' }),
      await assertion({ aud: 'https://attacker.example/token' }),
      await assertion({}, { lifetime: 3600 }),
      await assertion({ sub: 'his-off' }),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"his-a","sub":"his-a"}').toString('base64url')}.`,
    ];
    // Each from a network of its own: judged on itself, not slowed by the others' failures.
    for (const [n, attempt] of attempts.entries())
      await expect(exchange(attempt, { ipPrefix: `192.0.2.${n}/32` })).rejects.toMatchObject({
        code: 'invalid_client',
      });
    await expect(
      exchange(await assertion(), { authorization: basic('his-a', 'new-secret') }),
    ).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('refuses assertions for a client that registered no keys', async () => {
    deps = { ...deps, config };
    await expect(exchange(await assertion())).rejects.toMatchObject({ code: 'invalid_client' });
  });
});
