import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupRefusedError } from '../core/errors';

export interface LocalKeyFile {
  readonly version: 1;
  /** Wraps data keys in place of KMS (base64, 256 bits). */
  readonly wrappingKey: string;
  /** The application secret the HMAC keys derive from (base64, 256 bits). */
  readonly appSecret: string;
  readonly createdAt: string;
}

/** Lambda sets these; a local key file must never be what protects real patients' data. */
export function assertNotInLambda(env: NodeJS.ProcessEnv): void {
  if (env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda')) {
    throw new StartupRefusedError('the local key source refuses to run inside AWS Lambda; configure KMS');
  }
}

/** The local key file at `path`, created (0600, in a 0700 folder) on first use. */
export function readLocalKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): LocalKeyFile {
  assertNotInLambda(env);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fresh: LocalKeyFile = {
      version: 1,
      wrappingKey: randomBytes(32).toString('base64'),
      appSecret: randomBytes(32).toString('base64'),
      createdAt: new Date().toISOString(),
    };
    writeFileSync(path, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as LocalKeyFile;
}
