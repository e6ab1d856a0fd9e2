import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupRefusedError } from '../core/errors';

/** The regions a fresh local key file holds a wrapping key for: the two AWS China regions. */
export const LOCAL_KEY_REGIONS = ['cn-north-1', 'cn-northwest-1'] as const;

export interface LocalKeyFile {
  readonly version: 2;
  /**
   * Wrap data keys in place of KMS: one key per region, as each China region has its own KMS key
   * (base64, 256 bits). A copy holding one region's key alone is what that region could open.
   */
  readonly wrappingKeys: Readonly<Record<string, string>>;
  /** A version 1 file's single wrapping key, kept to open what it sealed. */
  readonly legacyWrappingKey?: string;
  /** The application secret the HMAC keys derive from (base64, 256 bits). */
  readonly appSecret: string;
  readonly createdAt: string;
}

interface LocalKeyFileV1 {
  readonly version: 1;
  readonly wrappingKey: string;
  readonly appSecret: string;
  readonly createdAt: string;
}

/** Lambda sets these; a local key file must never be what protects real patients' data. */
export function assertNotInLambda(env: NodeJS.ProcessEnv): void {
  if (env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda')) {
    throw new StartupRefusedError('the local key source refuses to run inside AWS Lambda; configure KMS');
  }
}

const freshKey = () => randomBytes(32).toString('base64');

/** The local key file at `path`, created (0600, in a 0700 folder) on first use. */
export function readLocalKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): LocalKeyFile {
  assertNotInLambda(env);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeLocalKeyFile(
      path,
      {
        version: 2,
        wrappingKeys: Object.fromEntries(LOCAL_KEY_REGIONS.map((region) => [region, freshKey()])),
        appSecret: freshKey(),
        createdAt: new Date().toISOString(),
      },
      'wx',
    );
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as LocalKeyFile | LocalKeyFileV1;
  if (file.version === 2) return file;
  // Version 1 had one wrapping key: it stays to open old data, and each region gets its own.
  const upgraded: LocalKeyFile = {
    version: 2,
    wrappingKeys: Object.fromEntries(LOCAL_KEY_REGIONS.map((region) => [region, freshKey()])),
    legacyWrappingKey: file.wrappingKey,
    appSecret: file.appSecret,
    createdAt: file.createdAt,
  };
  writeLocalKeyFile(path, upgraded, 'w');
  return upgraded;
}

export function writeLocalKeyFile(path: string, file: LocalKeyFile, flag: 'w' | 'wx' = 'wx'): void {
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600, flag });
}
