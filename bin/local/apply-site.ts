import { randomBytes, randomInt } from 'node:crypto';
import { DynamoAuditLog } from '../../functions/kernel/audit/dynamo-audit-log';
import { type ApplyOutcome, applyDeployment } from '../../functions/platform/deployment-source';
import { SealedTable } from '../../functions/store/sealed-table';
import { operatorConnection } from '../operator-connection';
import { loadDeploymentFile } from '../ops/deployment-file';

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
    const table = new SealedTable({ client: connection.client, tableName: connection.tableName });
    const random = { int: randomInt, bytes: (n: number) => new Uint8Array(randomBytes(n)) };
    const audit = new DynamoAuditLog(table, random, (await connection.appKeys()).auditKey);
    return await applyDeployment(table, audit, site, { at: Date.now(), by: 'npm start' });
  } finally {
    connection.client.destroy();
  }
}
