import { buildDeps, type Deps } from '../../functions/wiring';
import { tempKeyFile } from './keys';

/** The real dependency graph with local values, as the local runtime builds it. */
export function localDeps(options: { tableName?: string; endpoint?: string } = {}): Deps {
  return buildDeps({
    STAGE: 'local',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: options.tableName ?? 'unused',
    ...(options.endpoint ? { DYNAMODB_ENDPOINT: options.endpoint } : {}),
    KEY_SOURCE: 'local',
    LOCAL_KEY_FILE: tempKeyFile(),
    APP_VERSION: '9.9.9-test',
  });
}
