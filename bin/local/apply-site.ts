import type { ApplyOutcome } from '../../functions/platform/deployment-source';
import { operatorConnection } from '../operator-connection';
import { applyThrough, loadDeploymentFile } from '../ops/deployment-file';

/**
 * `npm start` and the rehearsal put their site in force as an operator does in AWS: the file
 * (deploy/local.json unless told) applied to the table through the operator's connection, with
 * its audit entry. An unchanged file is no new version, so a restart on a kept database writes
 * nothing.
 */
export async function applyLocalSite(
  operatorEnv: Readonly<Record<string, string>>,
  deployment: string,
): Promise<ApplyOutcome> {
  const site = loadDeploymentFile(deployment, { stage: 'local' });
  const connection = operatorConnection({ ...operatorEnv });
  try {
    return await applyThrough(connection, site, 'npm start');
  } finally {
    connection.client.destroy();
  }
}
