import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { stageConfig } from '../../functions/core/config';
import {
  type Deployment,
  DeploymentError,
  deploymentSchema,
  parseDeployment,
  withDeployment,
} from '../../functions/core/deployment';
import { DynamoAuditLog } from '../../functions/kernel/audit/dynamo-audit-log';
import { clientProblems } from '../../functions/oidc';
import { type ApplyOutcome, applyDeployment } from '../../functions/platform/deployment-source';
import { cryptoRandom } from '../../functions/platform/deps';
import { SealedTable } from '../../functions/store/sealed-table';
import type { operatorConnection } from '../operator-connection';

/** `prod` is `deploy/prod.json`; anything with a slash or ending `.json` is a path. */
export function deploymentPath(nameOrPath: string, root = process.cwd()): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.json')) return nameOrPath;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(nameOrPath))
    throw new Error(`a deployment is named like prod or hospital-a (deploy/<name>.json), not ${nameOrPath}`);
  return join(root, 'deploy', `${nameOrPath}.json`);
}

/**
 * Reads and checks a deployment file as synth, preflight and `npm run deployment` all do: the
 * schema (each problem names its field), then what only the whole configuration can tell (the
 * OpenID clients' redirect URIs and sectors), then the stage it is meant for.
 */
export function loadDeploymentFile(nameOrPath: string, options: { stage?: string } = {}): Deployment {
  const path = deploymentPath(nameOrPath);
  if (!existsSync(path)) throw new Error(`no deployment file ${path}`);
  const deployment = parseDeployment(readFileSync(path, 'utf8'), path);
  const problems = clientProblems(withDeployment(stageConfig(deployment.stage), deployment).oidc);
  if (options.stage !== undefined && deployment.stage !== options.stage)
    problems.push(`stage: ${deployment.stage}, but this is the ${options.stage} stage`);
  if (problems.length > 0) throw new DeploymentError(path, problems);
  return deployment;
}

/** deploy/schema.json: the schema for editors (`$schema` in each file); the code's is the truth. */
export function deploymentJsonSchema(): string {
  const schema = z.toJSONSchema(deploymentSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'patient-onboarding deployment (deploy/<name>.json)' }, null, 2)}\n`;
}

/** Puts a checked deployment in force through an operator's connection, audited under its key. */
export async function applyThrough(
  connection: ReturnType<typeof operatorConnection>,
  deployment: Deployment,
  by: string,
): Promise<ApplyOutcome> {
  const table = new SealedTable({ client: connection.client, tableName: connection.tableName });
  const audit = new DynamoAuditLog(table, cryptoRandom, (await connection.appKeys()).auditKey);
  return applyDeployment(table, audit, deployment, { at: Date.now(), by });
}
