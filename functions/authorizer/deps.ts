import type { Authenticator } from '../auth';
import { sessionStore } from '../auth';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import { plainTable, platform, tokenSigner } from '../platform/deps';
import { once } from '../platform/runtime';

/**
 * The authorizer's composition root: sessions and the accepted policy version (plain items, no
 * sealing) and the token signer's public keys. Nothing else: its role may read, not write.
 */
export function authorizerDeps(): Promise<Authenticator> {
  return once<Promise<Authenticator>>('authorizerDeps', async () => {
    const { config, clock } = platform();
    const table = plainTable();
    const consents = consentLedger(table);
    return {
      config: config.auth,
      clock,
      sessions: sessionStore(table),
      signer: await tokenSigner(),
      acceptedPolicyVersion: async (userId) => {
        const state = await consents.current(userId, 'privacy_policy');
        return state?.accepted ? state.policyVersion : undefined;
      },
      hospitalApi: config.hospitalApi,
    };
  });
}
