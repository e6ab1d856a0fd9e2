import { cardStore } from '../cards';
import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { identityStore } from '../identity';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import {
  auditLog,
  cryptoRandom,
  edge,
  indexer,
  plainTable,
  platform,
  providerCredentials,
  rateLimiter,
  sealedTable,
} from '../platform/deps';
import { once } from '../platform/runtime';
import { AliyunFaceVerify } from '../providers/liveness/aliyun-face-verify';
import type { LivenessProvider } from '../providers/liveness/ports';
import { TencentDetectAuth } from '../providers/liveness/tencent-detect-auth';
import type { AttestationCodeDeps } from './attestation-codes';
import type { LivenessDeps } from './liveness-ports';
import { attestationCodeStore, livenessStore } from './stores';

/**
 * Both liveness providers, each built on first use (it needs its credentials only when called;
 * `once` keeps it per cold start and drops a failed build).
 */
function livenessProviders(): LivenessDeps['providers'] {
  const { env, config, clock, random } = platform();
  const { identity } = config;
  const lazy = <P extends LivenessProvider>(name: P['name'], build: () => Promise<P>): LivenessProvider => {
    const get = () => once(`liveness:${name}`, build);
    return {
      name,
      start: async (input) => (await get()).start(input),
      result: async (id) => (await get()).result(id),
    };
  };
  return {
    tencent: lazy('tencent', async () => {
      const credentials = await providerCredentials();
      if (!credentials.tencent) throw new StartupRefusedError('Tencent FaceID credentials are missing');
      return new TencentDetectAuth(
        {
          ...credentials.tencent,
          region: identity.tencent.region,
          endpoint: env.TENCENT_FACEID_ENDPOINT ?? identity.tencent.endpoint,
          ruleId: identity.liveness.tencent.ruleId,
        },
        clock,
      );
    }),
    aliyun: lazy('aliyun', async () => {
      const credentials = await providerCredentials();
      if (!credentials.aliyunCloudauth)
        throw new StartupRefusedError('Aliyun cloudauth credentials are missing');
      return new AliyunFaceVerify(
        {
          ...credentials.aliyunCloudauth,
          endpoint: env.ALIYUN_CLOUDAUTH_ENDPOINT ?? identity.aliyun.endpoint,
          sceneId: identity.liveness.aliyun.sceneId,
        },
        clock,
        random,
      );
    }),
  };
}

/** Real-person verification's composition root (group `identity`). */
export function livenessDeps(): Promise<LivenessDeps> {
  return once<Promise<LivenessDeps>>('livenessDeps', async () => {
    const { config, clock, env, metrics } = platform();
    const [index, table, audit] = await Promise.all([indexer(), sealedTable(), auditLog()]);
    const consents = consentLedger(plainTable(), audit);
    const identities = identityStore(table, audit);
    const cards = cardStore(table, audit);
    return {
      config: config.identity.liveness,
      hospitals: config.hospitals,
      clock,
      random: cryptoRandom,
      store: livenessStore(table, audit, config.identity.liveness.keepFailedDays),
      providers: livenessProviders(),
      limiter: rateLimiter(),
      audit,
      indexer: index,
      metrics,
      consents,
      identities,
      card: (userId, cardId) => cards.get(userId, cardId),
      policyVersion: config.auth.policy.version,
      localOrigin: env.LOCAL_ORIGIN,
    };
  });
}

/** Counter attestation codes (group `identity`): cards read, codes stored by keyed hash. */
export function attestationCodeDeps(): Promise<AttestationCodeDeps> {
  return once<Promise<AttestationCodeDeps>>('attestationCodeDeps', async () => {
    const { config, clock } = platform();
    const [index, table] = await Promise.all([indexer(), sealedTable()]);
    const cards = cardStore(table);
    return {
      clock,
      random: cryptoRandom,
      hospitals: config.hospitals,
      identities: identityStore(table),
      card: (userId, cardId) => cards.get(userId, cardId),
      attestationCodes: attestationCodeStore(table),
      indexer: index,
      limiter: rateLimiter(),
    };
  });
}

export async function attestationCodeGroupDeps(): Promise<{ edge: EdgeDeps; codes: AttestationCodeDeps }> {
  return { edge: edge(), codes: await attestationCodeDeps() };
}

export async function livenessGroupDeps(): Promise<{ edge: EdgeDeps; liveness: LivenessDeps }> {
  return { edge: edge(), liveness: await livenessDeps() };
}
