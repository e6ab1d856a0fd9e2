import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { localConfig } from '../../bin/local/site';
import { apiClient } from '../helpers/api-client';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * Our access tokens as a resource server nobody here wrote checks them: from the JWKS alone, by
 * `kid`. jose's remote key set (what Node services use) and PyJWT's PyJWKClient (Debian's
 * python3-jwt; `.ci/run` installs it) each fetch /.well-known/jwks.json and verify.
 */
const local = runtimePerFile('verifiers');
const { login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const { issuer, audience } = localConfig.auth.tokens;
const PYTHON = '/usr/bin/python3';

const pyjwt = `
import sys, jwt
client = jwt.PyJWKClient(sys.argv[1])
token = sys.argv[2]
key = client.get_signing_key_from_jwt(token)
claims = jwt.decode(token, key.key, algorithms=["ES256"], audience=sys.argv[3], issuer=sys.argv[4])
print(claims["sub"])
`;

describe('access tokens, checked by standard verifiers from the JWKS alone', () => {
  it("jose's createRemoteJWKSet accepts them, and refuses one with its signature changed", async () => {
    const { accessToken, user } = await login('13900002001');
    const jwks = createRemoteJWKSet(new URL(`${local.runtime.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(accessToken, jwks, { issuer, audience, algorithms: ['ES256'] });
    expect(payload.sub).toBe(user.id);
    const [head, body, signature] = accessToken.split('.') as [string, string, string];
    const flipped = `${head}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(jwtVerify(flipped, jwks, { issuer, audience })).rejects.toThrow();
  });

  it("PyJWT's PyJWKClient accepts them", async () => {
    expect(existsSync(PYTHON), 'python3-jwt: apt-get install -y python3-jwt').toBe(true);
    const { accessToken, user } = await login('13900002002');
    // Not spawnSync: the API answers the JWKS fetch from this very process.
    const run = await promisify(execFile)(
      PYTHON,
      ['-c', pyjwt, `${local.runtime.url}/.well-known/jwks.json`, accessToken, audience, issuer],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(user.id);
  });

  it('publishes the key that signed them under its kid, and no private half', async () => {
    const { accessToken } = await login('13900002003');
    const response = await fetch(`${local.runtime.url}/.well-known/jwks.json`);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    const signing = jwks.keys.find((k) => k.kid === decodeProtectedHeader(accessToken).kid);
    expect(signing).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toMatch(/"d"\s*:/);
  });
});
