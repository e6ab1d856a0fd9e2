import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Clock, systemClock } from './core/clock';
import { isAllowedRegion, type StageConfig, stageConfig } from './core/config';
import { StartupRefusedError } from './core/errors';
import { BlindIndexer } from './crypto/blind-index';
import { EncryptingSealer } from './crypto/encrypting-sealer';
import type { KeyMaterial } from './crypto/key-source';
import { loadKmsKeyMaterial } from './crypto/kms-key-source';
import { loadLocalKeyMaterial } from './crypto/local-key-source';
import type { Sealer } from './crypto/sealer';
import { SealedTable } from './store/sealed-table';

/**
 * The composition root: the only module that reads environment variables and builds SDK clients,
 * once per cold start. `bin/local.ts` sets the same variables for the local runtime, so Lambda and
 * `npm start` run one graph; tests may call `setDeps` with in-memory ports.
 */
export interface Deps {
  readonly config: StageConfig;
  readonly region: string;
  readonly version: string;
  readonly clock: Clock;
  readonly keySource: 'kms' | 'local';
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Key material is loaded on first use, so a function that never seals never asks KMS. */
  sealer(): Promise<Sealer>;
  indexer(): Promise<BlindIndexer>;
  table(): Promise<SealedTable>;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new StartupRefusedError(`environment variable ${name} is not set`);
  return value;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined; // a transient failure (KMS throttling) must not poison the instance
      throw error;
    });
    return pending;
  };
}

export function buildDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const config = stageConfig(env.STAGE ?? 'prod');
  const region = required(env, 'AWS_REGION');
  if (!isAllowedRegion(config, region)) {
    throw new StartupRefusedError(
      `region ${region} is outside the allowed regions ${config.allowedRegions.join(', ')}`,
    );
  }
  const keySource = env.KEY_SOURCE === 'local' ? 'local' : 'kms';
  const tableName = required(env, 'TABLE_NAME');
  const dynamo = new DynamoDBClient({
    region,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 3,
  });

  const keys = once<KeyMaterial>(async () =>
    keySource === 'local'
      ? loadLocalKeyMaterial(required(env, 'LOCAL_KEY_FILE'), env)
      : loadKmsKeyMaterial({
          dataKeyArn: required(env, 'DATA_KEY_ARN'),
          indexKeySecretArn: required(env, 'INDEX_KEY_SECRET_ARN'),
          secrets: new SecretsManagerClient({ region }),
        }),
  );
  const sealer = once<Sealer>(async () => new EncryptingSealer((await keys()).keyring, config.dataKeyCache));
  const indexer = once(async () => new BlindIndexer((await keys()).indexKey));
  const table = once(async () => new SealedTable({ client: dynamo, tableName, sealer: await sealer() }));

  return {
    config,
    region,
    version: env.APP_VERSION ?? '0.0.0',
    clock: systemClock,
    keySource,
    dynamo,
    tableName,
    sealer,
    indexer,
    table,
  };
}

let current: Deps | undefined;

export function getDeps(): Deps {
  current ??= buildDeps();
  return current;
}

/** For tests and the local runtime: replace the graph (or reset it with undefined). */
export function setDeps(deps: Deps | undefined): void {
  current = deps;
}
