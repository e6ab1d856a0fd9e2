import { createHash, randomBytes } from 'node:crypto';
import { localConfig } from '../bin/local/site';
import { authenticate } from '../functions/auth/authenticate';
import { loginWithCode } from '../functions/auth/login-with-code';
import { sendCode } from '../functions/auth/send-code';
import type { Identity } from '../functions/core/authorizer-context';
import { stages } from '../functions/core/config';
import { consentLedger } from '../functions/kernel/consent/dynamo-consent-store';
import { type OidcDeps, oidcPeople, oidcStore } from '../functions/oidc';
import { startAuthorization } from '../functions/oidc/authorize';
import { decide } from '../functions/oidc/decide';
import { exchangeCode, userInfo } from '../functions/oidc/tokens';
import { meteredGraph } from './metered-graph';
import { median, round, summarise } from './stats';

const APP = localConfig.oidc.clients[0] as (typeof localConfig.oidc.clients)[number];
const SECRET = `local-${APP.clientId}-secret`;

/**
 * An app signing a person in through the OpenID provider, step by step through its use cases
 * with the real DynamoDB adapters (metered): authorize, the person's decision (first time: with
 * the consent entry), the code exchange, UserInfo. People are registered first, unmetered.
 */
export async function benchOidc(endpoint: string, n = 200) {
  const graph = await meteredGraph(endpoint, 'oidc');
  const { meter, keyring, table, indexer, random, clock, signer, audit, outbox } = graph;
  const auth = graph.auth({ ...stages.prod.auth, exemptLoopback: true });
  const deps: OidcDeps = {
    config: { ...stages.prod.oidc, clients: [APP] },
    issuer: 'https://api.patient-onboarding.cn',
    consentPage: 'https://app.patient-onboarding.cn/oidc/consent',
    home: 'https://app.patient-onboarding.cn/',
    clock,
    random,
    store: oidcStore(table, audit),
    people: oidcPeople(table, audit, { auth: stages.prod.auth, clock }),
    consents: consentLedger(table, audit),
    policyVersion: stages.prod.auth.policy.version,
    signer,
    indexer,
    limiter: graph.limiter,
    audit,
  };

  // n people, each signed in once (what the web client holds when an app sends them over).
  const people: Identity[] = [];
  for (let i = 0; i < n; i++) {
    const phone = `139${String(i).padStart(8, '0')}`;
    const client = { sourceIp: '127.0.0.1', ipPrefix: '127.0.0.0/24', userAgent: 'bench' };
    const sent = await sendCode(auth, {
      phone,
      purpose: 'login',
      sourceIp: client.sourceIp,
      ipPrefix: client.ipPrefix,
    });
    const login = await loginWithCode(auth, {
      challengeId: sent.challengeId,
      phone,
      code: outbox.get(`+86${phone}`) as string,
      acceptPolicyVersion: stages.prod.auth.policy.version,
      client,
    });
    people.push(await authenticate(auth, `Bearer ${login.accessToken}`));
  }

  const verifier = Buffer.from(randomBytes(32)).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state: { requests: string[]; codes: string[]; tokens: string[] } = {
    requests: [],
    codes: [],
    tokens: [],
  };

  async function measure(label: string, run: (i: number) => Promise<unknown>) {
    const samples: number[] = [];
    const sequential: number[] = [];
    meter.reset();
    keyring.encrypts = 0;
    keyring.decrypts = 0;
    for (let i = 0; i < n; i++) {
      const from = meter.log.length;
      const t = performance.now();
      await run(i);
      samples.push(performance.now() - t);
      sequential.push(meter.sequentialCalls(from));
    }
    const per = (v: number) => round(v / n, 2);
    return {
      step: label,
      ...summarise(samples),
      dynamoCallsPerRequest: per(meter.calls),
      sequentialCallsPerRequest: { median: median(sequential), max: Math.max(...sequential) },
      capacityUnitsPerRequest: per(meter.billedUnits),
      kmsPer1000Requests: {
        generateDataKey: round((keyring.encrypts / n) * 1000, 1),
        decrypt: round((keyring.decrypts / n) * 1000, 1),
      },
    };
  }

  const authorize = await measure('authorize', async (i) => {
    const { location } = await startAuthorization(
      deps,
      {
        client_id: APP.clientId,
        redirect_uri: APP.redirectUris[0],
        response_type: 'code',
        scope: 'openid profile phone',
        state: `s${i}`,
        nonce: `n${i}`,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      { ipPrefix: `198.18.${i & 255}.0/24` },
    );
    state.requests[i] = new URL(location).searchParams.get('request') as string;
  });
  const decision = await measure('decision (first sign-in: consent recorded)', async (i) => {
    const who = people[i] as Identity;
    const { location } = await decide(deps, who, state.requests[i] as string, 'approve', {
      ipPrefix: '127.0.0.0/24',
      userAgent: 'bench',
    });
    state.codes[i] = new URL(location).searchParams.get('code') as string;
  });
  const token = await measure('token', async (i) => {
    const issued = await exchangeCode(deps, {
      authorization: `Basic ${Buffer.from(`${APP.clientId}:${SECRET}`).toString('base64')}`,
      grantType: 'authorization_code',
      code: state.codes[i],
      redirectUri: APP.redirectUris[0],
      codeVerifier: verifier,
      ipPrefix: '198.51.100.0/24',
    });
    state.tokens[i] = issued.access_token;
  });
  const info = await measure('userinfo', (i) => userInfo(deps, `Bearer ${state.tokens[i]}`));
  graph.close();
  const flow = [authorize, decision, token, info];
  return {
    people: n,
    note: 'use cases in-process against DynamoDB Local; a returning person skips the consent write (the decision then writes 3 items)',
    steps: flow,
    perSignIn: {
      dynamoCalls: round(
        flow.reduce((sum, s) => sum + s.dynamoCallsPerRequest, 0),
        2,
      ),
      capacityUnits: round(
        flow.reduce((sum, s) => sum + s.capacityUnitsPerRequest, 0),
        2,
      ),
    },
  };
}
