import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AppKeys } from '../functions/crypto/key-source';
import { kmsKeyring, loadAppKeys } from '../functions/crypto/kms-key-source';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import { localCredentials } from './local/dynamodb-local';

/**
 * How operator commands reach the table and keys. Locally (DYNAMODB_ENDPOINT set to the endpoint
 * `npm start` printed) they use its database and `.data/keys`; TABLE_NAME defaults to its table.
 * In AWS: TABLE_NAME, AWS_REGION, APP_SECRET_ARN and (to open sealed fields) DATA_KEY_ARN.
 */
export function operatorConnection(env: NodeJS.ProcessEnv = process.env) {
  const local = env.DYNAMODB_ENDPOINT !== undefined;
  if (!local && env.TABLE_NAME === undefined) {
    console.error(
      'set DYNAMODB_ENDPOINT to the DynamoDB Local endpoint `npm start` printed, or TABLE_NAME in AWS',
    );
    process.exit(2);
  }
  const region = env.AWS_REGION ?? 'cn-north-1';
  // Called in-process with an env of its own (the rehearsal's operator), the SDK would not see
  // that env's endpoints and keys: hand them over.
  const credentials = local
    ? localCredentials
    : env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
      : undefined;
  const dynamoEndpoint = env.DYNAMODB_ENDPOINT ?? env.AWS_ENDPOINT_URL_DYNAMODB;
  const client = new DynamoDBClient({
    region,
    ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const secretsEndpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  const secrets = () =>
    new SecretsManagerClient({
      region,
      ...(secretsEndpoint ? { endpoint: secretsEndpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
  const localKeys = () =>
    loadLocalKeyMaterial(env.LOCAL_KEY_FILE ?? '.data/keys/local-keys.json', env, region);
  return {
    client,
    tableName: env.TABLE_NAME ?? 'patient-onboarding-local',
    local,
    /** Secrets Manager as this connection reaches it (the app secret, the provider secret). */
    secrets,
    appKeys: async (): Promise<AppKeys> =>
      local ? localKeys() : loadAppKeys(secrets(), env.APP_SECRET_ARN ?? ''),
    keyring: () =>
      local
        ? localKeys().keyring
        : kmsKeyring(env.DATA_KEY_ARN ?? '', (env.PEER_DATA_KEY_ARNS ?? '').split(',').filter(Boolean)),
  };
}

/** Who an operator command runs as, for its audit entry: the AWS caller's ARN, or the local user. */
export async function operatorIdentity(local: boolean): Promise<string> {
  if (local) return `local:${userInfo().username}`;
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const identity = await new STSClient({ region: process.env.AWS_REGION ?? 'cn-north-1' }).send(
    new GetCallerIdentityCommand({}),
  );
  return identity.Arn ?? 'unknown';
}
