import { type StageConfig, stageConfig } from '../../functions/core/config';
import { type Deployment, withDeployment } from '../../functions/core/deployment';
import { loadDeploymentFile } from '../ops/deployment-file';

/**
 * The local site: deploy/local.json (hospitals whose HIS is the stand-in, their clients and apps),
 * which `npm start` and the rehearsal apply to their table; tests that build the functions' graph
 * without a server run with the same configuration.
 */
export const localSite: Deployment = loadDeploymentFile(
  new URL('../../deploy/local.json', import.meta.url).pathname,
);
export const localConfig: StageConfig = withDeployment(stageConfig('local'), localSite);

/** The production rules with the example site (deploy/example.json): what tests of prod behaviour use. */
export const exampleSite: Deployment = loadDeploymentFile(
  new URL('../../deploy/example.json', import.meta.url).pathname,
);
export const exampleConfig: StageConfig = withDeployment(stageConfig('prod'), exampleSite);
