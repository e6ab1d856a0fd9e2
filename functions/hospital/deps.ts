import { attestationCodeStore, livenessStore } from '../assurance';
import { cardStore, eventFeed } from '../cards';
import { identityStore } from '../identity';
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
import { DynamoAssertionLedger } from './dynamo-assertion-store';

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
      assertions: new DynamoAssertionLedger(plainTable()),
    },
  };
}

export async function readDeps() {
  const hospitalReads = await once('hospitalReads', async () => {
    const [index, table, audit] = await Promise.all([indexer(), sealedTable(), auditLog()]);
    const identities = identityStore(table);
    return {
      clock: platform().clock,
      hospitals: platform().config.hospitals,
      // Reads only: the guardian-consent write of card creation never happens here.
      cards: cardStore(table, audit),
      indexer: index,
      audit,
      holderName: async (userId: string) => (await identities.verifiedIdentity(userId))?.name,
    };
  });
  return { edge: edge(), hospitalReads };
}

/** The CapabilityStatement needs nothing but the edge: no table, no keys. */
export async function metadataDeps() {
  return { edge: edge() };
}

export async function eventsDeps() {
  return {
    edge: edge(),
    hospitalEvents: { clock: platform().clock, feed: eventFeed(plainTable()) },
  };
}

export async function attestDeps() {
  const attestation = await once('hospitalAttestation', async () => {
    const { config, clock } = platform();
    const [index, table, audit] = await Promise.all([indexer(), sealedTable(), auditLog()]);
    return {
      clock,
      random: cryptoRandom,
      // A card written here is a binding proven at the counter, with its audit entry.
      cards: cardStore(table, audit),
      codes: attestationCodeStore(table),
      identities: identityStore(table),
      indexer: index,
      checks: livenessStore(table, audit, config.identity.liveness.keepFailedDays),
      limiter: rateLimiter(),
    };
  });
  return { edge: edge(), attestation };
}
