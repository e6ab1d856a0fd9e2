import { localConfig } from '../../bin/local/site';
import type { StageConfig } from '../../functions/core/config';
import { overrideRuntime } from '../../functions/platform/runtime';
import { tempKeyFile } from './keys';

/**
 * Runs the functions' composition roots with local values (as the local runtime sets them), or
 * with a local runtime's environment and a changed configuration; `restore()` goes back.
 */
export function useRuntime(options: {
  env?: Record<string, string>;
  config?: (local: StageConfig) => StageConfig;
}): { restore(): void } {
  overrideRuntime({
    env: {
      STAGE: 'local',
      AWS_REGION: 'cn-north-1',
      KEY_SOURCE: 'local',
      LOCAL_KEY_FILE: tempKeyFile(),
      APP_VERSION: '9.9.9-test',
      TABLE_NAME: 'unused',
      ...options.env,
    },
    // The local stage with the local site (deploy/local.json), as `npm start` applies it.
    config: options.config ? options.config(localConfig) : localConfig,
  });
  return { restore: () => overrideRuntime(undefined) };
}
