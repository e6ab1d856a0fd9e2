import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import {
  auditLog,
  edge,
  indexer,
  plainTable,
  platform,
  providerCredentials,
  rateLimiter,
  sealedTable,
} from '../platform/deps';
import { once } from '../platform/runtime';
import { AliyunId2MetaProvider } from '../providers/verification/aliyun-id2meta-provider';
import type { VerificationProvider } from '../providers/verification/ports';
import { TencentFaceIdProvider } from '../providers/verification/tencent-faceid-provider';
import type { IdentityDeps } from './ports';
import { identityStore } from './stores';

/** The two-element check the stage configures: Tencent FaceID or Alibaba Cloud cloudauth. */
export function verificationProvider(): Promise<VerificationProvider> {
  return once('verificationProvider', async () => {
    const { env, config, clock, random } = platform();
    const credentials = await providerCredentials();
    const { identity } = config;
    if (identity.provider === 'tencent') {
      if (!credentials.tencent) throw new StartupRefusedError('Tencent FaceID credentials are missing');
      return new TencentFaceIdProvider(
        {
          ...credentials.tencent,
          region: identity.tencent.region,
          endpoint: env.TENCENT_FACEID_ENDPOINT ?? identity.tencent.endpoint,
        },
        clock,
      );
    }
    if (!credentials.aliyunCloudauth)
      throw new StartupRefusedError('Aliyun cloudauth credentials are missing');
    return new AliyunId2MetaProvider(
      { ...credentials.aliyunCloudauth, endpoint: env.ALIYUN_CLOUDAUTH_ENDPOINT ?? identity.aliyun.endpoint },
      clock,
      random,
    );
  });
}

/** Real-name verification's composition root (group `identity`). */
export function identityDeps(): Promise<IdentityDeps> {
  return once<Promise<IdentityDeps>>('identityDeps', async () => {
    const { config, clock } = platform();
    const [index, table, provider, audit] = await Promise.all([
      indexer(),
      sealedTable(),
      verificationProvider(),
      auditLog(),
    ]);
    return {
      config: config.identity,
      clock,
      store: identityStore(table, audit),
      limiter: rateLimiter(),
      audit,
      provider,
      indexer: index,
      consents: consentLedger(plainTable()),
    };
  });
}

export async function identityGroupDeps(): Promise<{ edge: EdgeDeps; identity: IdentityDeps }> {
  return { edge: edge(), identity: await identityDeps() };
}
