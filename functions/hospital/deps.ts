import { DynamoAttestationCodeStore } from '../assurance/dynamo-attestation-code-store';
import { livenessStore } from '../assurance/dynamo-liveness-store';
import { DynamoCardStore } from '../cards/dynamo-card-store';
import { DynamoEventFeed } from '../cards/dynamo-event-feed';
import { DynamoIdentityStore } from '../identity/dynamo-identity-store';
import { readOnly } from '../kernel/audit/ports';
import { DynamoConsentStore } from '../kernel/consent/dynamo-consent-store';
import {
  auditLog,
  cryptoRandom,
  edge,
  indexer,
  plainTable,
  platform,
  rateLimiter,
  sealedTable,
  tokenSigner,
} from '../platform/deps';
import { once } from '../platform/runtime';

/** The hospital API's composition root (group `hospital`): one factory per kind of route. */
export async function tokenDeps() {
  const { config, clock } = platform();
  return {
    edge: edge(),
    hospitalAuth: {
      config: config.hospitalApi,
      issuer: config.auth.tokens.issuer,
      clock,
      random: cryptoRandom,
      signer: await tokenSigner(),
      limiter: rateLimiter(),
    },
  };
}

export async function readDeps() {
  const hospitalReads = await once('hospitalReads', async () => {
    const [index, table, audit] = await Promise.all([indexer(), sealedTable(), auditLog()]);
    const identities = new DynamoIdentityStore(table, readOnly);
    const consents = new DynamoConsentStore(plainTable(), readOnly);
    return {
      clock: platform().clock,
      // Reads only: the guardian-consent write of card creation never happens here.
      cards: new DynamoCardStore(table, { consent: (entry) => consents.entryWrite(entry), audit }),
      indexer: index,
      audit,
      holderName: async (userId: string) => (await identities.verifiedIdentity(userId))?.name,
    };
  });
  return { edge: edge(), hospitalReads };
}

export async function eventsDeps() {
  return {
    edge: edge(),
    hospitalEvents: { clock: platform().clock, feed: new DynamoEventFeed(plainTable()) },
  };
}

export async function attestDeps() {
  const attestation = await once('hospitalAttestation', async () => {
    const { config, clock } = platform();
    const [index, table, audit] = await Promise.all([indexer(), sealedTable(), auditLog()]);
    const consents = new DynamoConsentStore(plainTable(), readOnly);
    return {
      clock,
      random: cryptoRandom,
      // A card written here is a binding proven at the counter, with its audit entry.
      cards: new DynamoCardStore(table, { consent: (entry) => consents.entryWrite(entry), audit }),
      codes: new DynamoAttestationCodeStore(table),
      identities: new DynamoIdentityStore(table, readOnly),
      indexer: index,
      checks: livenessStore(table, audit, config.identity.liveness.keepFailedDays),
      limiter: rateLimiter(),
    };
  });
  return { edge: edge(), attestation };
}
