import { randomBytes, randomInt } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../core/clock';
import { isAllowedRegion, type StageConfig } from '../core/config';
import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { logger } from '../core/logger';
import { EmfMetricsSink } from '../core/metrics';
import { BlindIndexer } from '../crypto/blind-index';
import { type AppKeys, deriveAppKeys } from '../crypto/key-source';
import { readLocalKeyFile } from '../crypto/local-key-file';
import type { Sealer } from '../crypto/sealer';
import { DynamoAuditLog } from '../kernel/audit/dynamo-audit-log';
import type { Random } from '../kernel/random';
import { DynamoRateLimiter } from '../kernel/rate/dynamo-rate-limiter';
import type { RootSigner } from '../kernel/tokens/certified-token-signer';
import type { TokenSigner } from '../kernel/tokens/ports';
import type { ProviderCredentials } from '../providers/credentials';
import { SealedTable } from '../store/sealed-table';
import { keepDeploymentFresh } from './deployment-source';
import { type Environment, environment, once, runtimeConfig } from './runtime';

/**
 * The parts every composition root builds from: the region check, the DynamoDB client and table,
 * keys, the token signer, provider credentials, metrics and the audit trail, each built once per
 * cold start and only when a group asks for it. Heavy and rarely needed modules (the Encryption SDK,
 * KMS, Secrets Manager) are imported on first use, so a group that never seals, or runs locally,
 * does not pay for loading them.
 */
export const cryptoRandom: Random = {
  int: (min, max) => randomInt(min, max),
  bytes: (length) => new Uint8Array(randomBytes(length)),
};

/** A comma-separated environment list (key ARNs). */
const listed = (value: string | undefined): string[] => (value ?? '').split(',').filter(Boolean);

export function required(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new StartupRefusedError(`environment variable ${name} is not set`);
  return value;
}

export interface Platform {
  readonly env: Environment;
  readonly config: StageConfig;
  readonly region: string;
  readonly version: string;
  readonly keySource: 'kms' | 'local';
  readonly clock: Clock;
  readonly random: Random;
  readonly metrics: EmfMetricsSink;
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
}

/** Refuses to start outside the allowed regions (PIPL: data stays in mainland China). */
export function platform(): Platform {
  return once('platform', () => {
    const env = environment();
    const config = runtimeConfig();
    const region = required(env, 'AWS_REGION');
    if (!isAllowedRegion(config, region)) {
      throw new StartupRefusedError(
        `region ${region} is outside the allowed regions ${config.allowedRegions.join(', ')}`,
      );
    }
    return {
      env,
      config,
      region,
      version: env.APP_VERSION ?? '0.0.0',
      keySource: env.KEY_SOURCE === 'local' ? 'local' : 'kms',
      clock: systemClock,
      random: cryptoRandom,
      metrics: new EmfMetricsSink(
        env.POWERTOOLS_METRICS_NAMESPACE ?? 'PatientOnboarding',
        'patient-onboarding',
      ),
      dynamo: new DynamoDBClient({
        region,
        ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
        maxAttempts: 3,
      }),
      tableName: required(env, 'TABLE_NAME'),
    };
  });
}

/** What the edge pipeline needs of every group. */
export function edge(): EdgeDeps {
  const { config, metrics, env } = platform();
  return { config, metrics, hospitalDomain: env.HOSPITAL_DOMAIN };
}

// Every invocation of a function with table access first makes sure its deployment is the newest.
keepDeploymentFresh(plainTable, () => platform().config.deploymentRefreshSeconds);

/** The table for items with nothing sealed (sessions, counters, claims, the audit trail). */
export function plainTable(): SealedTable {
  return once('plainTable', () => {
    const { dynamo, tableName } = platform();
    return new SealedTable({ client: dynamo, tableName });
  });
}

/**
 * Envelope encryption with KMS data keys (a local key locally), wrapped for both regions: what
 * seals and opens the table's items, and a restored copy's (the restore test).
 */
export function sealer(): Promise<Sealer> {
  return once('sealer', async () => {
    const { env, config, keySource, region, metrics } = platform();
    // A seal goes on when the other region's key cannot be reached; the alarm counts how often.
    const onPeerFailure = (error: unknown) => {
      metrics.count('PeerWrapFailed');
      logger.warn('data key not wrapped for the other region', {
        error: error instanceof Error ? error.name : 'unknown',
      });
    };
    const [{ EncryptingSealer }, keyring] = await Promise.all([
      import('../crypto/encrypting-sealer'),
      keySource === 'local'
        ? import('../crypto/local-key-source').then((m) =>
            m.localKeyring(readLocalKeyFile(required(env, 'LOCAL_KEY_FILE'), env), region, onPeerFailure),
          )
        : import('../crypto/kms-key-source').then((m) =>
            m.kmsKeyring(required(env, 'DATA_KEY_ARN'), listed(env.PEER_DATA_KEY_ARNS), onPeerFailure),
          ),
    ]);
    return new EncryptingSealer(keyring, config.dataKeyCache);
  });
}

/** The table that seals and opens. */
export function sealedTable(): Promise<SealedTable> {
  return once('sealedTable', async () => {
    const { dynamo, tableName } = platform();
    return new SealedTable({ client: dynamo, tableName, sealer: await sealer() });
  });
}

async function secretsManager() {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return once('secretsManager', () => new SecretsManagerClient({ region: platform().region }));
}

/** The blind-index key, OTP pepper and audit key, from the application secret. */
export function appKeys(): Promise<AppKeys> {
  return once('appKeys', async () => {
    const { env, keySource } = platform();
    if (keySource === 'local') {
      return deriveAppKeys(
        Buffer.from(readLocalKeyFile(required(env, 'LOCAL_KEY_FILE'), env).appSecret, 'base64'),
      );
    }
    const { loadAppKeys } = await import('../crypto/kms-key-source');
    return loadAppKeys(await secretsManager(), required(env, 'APP_SECRET_ARN'));
  });
}

export function indexer(): Promise<BlindIndexer> {
  return once('indexer', async () => new BlindIndexer((await appKeys()).indexKey));
}

/**
 * Signs access tokens with a key certified by the root (certified-token-signer.ts): KMS in AWS, a
 * local key file under `npm start`. The root signs once per instance and certificate, not per token.
 */
export function tokenSigner(): Promise<TokenSigner> {
  return once('tokenSigner', async () => {
    const [{ CertifiedTokenSigner }, root] = await Promise.all([
      import('../kernel/tokens/certified-token-signer'),
      rootSigner(),
    ]);
    // The epochs' keys are read on the first signature or JWKS, never by a verifier (the authorizer).
    const keys = () =>
      once('signingKeys', async () => {
        const [{ DynamoSigningKeyStore }, table] = await Promise.all([
          import('../kernel/tokens/dynamo-signing-key-store'),
          sealedTable(),
        ]);
        return new DynamoSigningKeyStore(table);
      });
    return new CertifiedTokenSigner(root, platform().clock, { keys });
  });
}

function rootSigner(): Promise<RootSigner> {
  return once('rootSigner', async () => {
    const { env, keySource, region } = platform();
    if (keySource === 'local') {
      const { LocalRootSigner } = await import('../kernel/tokens/local-root-signer');
      return LocalRootSigner.fromFile(required(env, 'LOCAL_SIGNING_KEY_FILE'), env);
    }
    const [{ KmsRootSigner }, { KMSClient }] = await Promise.all([
      import('../kernel/tokens/kms-root-signer'),
      import('@aws-sdk/client-kms'),
    ]);
    // A key's region is its ARN's fourth field: the other region's root is asked there.
    const clients = new Map<string, InstanceType<typeof KMSClient>>();
    const clientFor = (arn: string) => {
      const keyRegion = arn.split(':')[3] || region;
      let client = clients.get(keyRegion);
      if (!client) {
        client = new KMSClient({ region: keyRegion, maxAttempts: keyRegion === region ? 3 : 1 });
        clients.set(keyRegion, client);
      }
      return client;
    };
    return new KmsRootSigner(
      clientFor,
      required(env, 'SIGNING_KEY_ARN'),
      listed(env.TRUSTED_SIGNING_KEY_ARNS),
    );
  });
}

/** SMS, captcha, OAuth, HIS and webhook secrets: the stand-ins' locally. */
export function providerCredentials(): Promise<ProviderCredentials> {
  return once('providerCredentials', async () => {
    const { env, keySource } = platform();
    const { loadProviderCredentials, standinCredentials } = await import('../providers/credentials');
    if (keySource === 'local') {
      // One HIS stand-in plays every local hospital: a hospital added by a deployment file uses
      // its FHIR or gateway secret, as the known ones do.
      const his = { ...standinCredentials.his };
      for (const hospital of platform().config.hospitals)
        his[hospital.id] ??=
          standinCredentials.his[hospital.his.kind === 'fhir' ? 'h-pumch' : 'h-renji'] ?? '';
      return { ...standinCredentials, his };
    }
    return loadProviderCredentials(await secretsManager(), required(env, 'PROVIDER_SECRET_ARN'));
  });
}

export function auditLog(): Promise<DynamoAuditLog> {
  return once(
    'auditLog',
    async () => new DynamoAuditLog(plainTable(), cryptoRandom, (await appKeys()).auditKey),
  );
}

export function rateLimiter(): DynamoRateLimiter {
  return once('rateLimiter', () => new DynamoRateLimiter(plainTable()));
}
