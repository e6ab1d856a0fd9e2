import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StartupRefusedError } from '../../../functions/core/errors';
import { loadLocalKeyMaterial } from '../../../functions/crypto/local-key-source';
import { tempKeyFile } from '../../helpers/keys';

describe('loadLocalKeyMaterial', () => {
  it('creates the key file once, private to its owner, and reads the same keys back', () => {
    const path = tempKeyFile();
    const first = loadLocalKeyMaterial(path, {});
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = loadLocalKeyMaterial(path, {});
    expect(Buffer.from(second.indexKey).equals(Buffer.from(first.indexKey))).toBe(true);
    expect(first.source).toBe('local');
  });

  it('refuses to run inside AWS Lambda', () => {
    expect(() => loadLocalKeyMaterial(tempKeyFile(), { AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toThrow(
      StartupRefusedError,
    );
    expect(() => loadLocalKeyMaterial(tempKeyFile(), { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toThrow(
      /refuses to run inside AWS Lambda/,
    );
  });
});
