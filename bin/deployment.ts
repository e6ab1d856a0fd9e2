import { writeFileSync } from 'node:fs';
import { deploymentChanges } from '../functions/core/deployment';
import { readDeployment } from '../functions/platform/deployment-source';
import { loadProviderCredentials } from '../functions/providers/credentials';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection, operatorIdentity } from './operator-connection';
import { applyThrough, deploymentJsonSchema, loadDeploymentFile } from './ops/deployment-file';

/**
 * The site's hospitals, clients and app ids, kept as data (deploy/<name>.json):
 *   npm run deployment -- check <name|file>     the file's problems, each naming its field
 *   npm run deployment -- diff <name|file>      what applying it would change
 *   npm run deployment -- apply <name|file>     put it in force (audited); functions see it within
 *                                               the stage's deploymentRefreshSeconds, no redeploy
 *   npm run deployment -- show                  the deployment in force
 *   npm run deployment -- schema                writes deploy/schema.json (for editors)
 * Where it reads from and writes to: see operator-connection.ts. Against AWS with
 * PROVIDER_SECRET_ARN set, apply refuses a hospital whose HIS secret is not in the provider secret.
 */
const [command, target] = process.argv.slice(2);
const usage = 'usage: npm run deployment -- check|diff|apply <name|file> | show | schema';
if (
  !command ||
  !['check', 'diff', 'apply', 'show', 'schema'].includes(command) ||
  (!['show', 'schema'].includes(command) && !target)
) {
  console.error(usage);
  process.exit(2);
}

try {
  if (command === 'schema') {
    writeFileSync('deploy/schema.json', deploymentJsonSchema());
    process.stdout.write('wrote deploy/schema.json\n');
    process.exit(0);
  }
  if (command === 'check') {
    const d = loadDeploymentFile(target as string);
    process.stdout.write(
      `${target}: valid (${d.stage}): ${d.hospitals.length} hospital(s), ${d.hospitalClients.length} hospital client(s), ${d.oidc.clients.length} OpenID client(s)\n`,
    );
    process.exit(0);
  }
  const connection = operatorConnection();
  const table = new SealedTable({ client: connection.client, tableName: connection.tableName });
  const current = await readDeployment(table);
  if (command === 'show') {
    if (!current) {
      process.stdout.write('no deployment applied: the stage runs with no hospitals\n');
      process.exit(0);
    }
    const d = current.deployment;
    process.stdout.write(
      [
        `version ${current.version} (${d.name}, ${d.stage}), applied ${new Date(current.appliedAt).toISOString()}`,
        `digest  ${current.digest}`,
        `hospitals         ${d.hospitals.map((h) => h.id).join(', ') || '(none)'}`,
        `hospital clients  ${d.hospitalClients.map((c) => `${c.clientId}${c.disabled ? ' (disabled)' : ''}`).join(', ') || '(none)'}`,
        `OpenID clients    ${d.oidc.clients.map((c) => c.clientId).join(', ') || '(none)'}`,
      ].join('\n') + '\n',
    );
    process.exit(0);
  }
  const deployment = loadDeploymentFile(target as string, {
    stage: process.env.STAGE ?? (connection.local ? 'local' : undefined),
  });
  if (command === 'diff') {
    const changes = deploymentChanges(current?.deployment, deployment);
    const lines = Object.entries(changes).map(([k, v]) => `${k}: ${v}`);
    process.stdout.write(
      `${current ? `against version ${current.version}` : 'nothing applied yet'}\n${lines.join('\n') || 'no change'}\n`,
    );
    process.exit(0);
  }
  if (process.env.PROVIDER_SECRET_ARN) {
    const credentials = await loadProviderCredentials(connection.secrets(), process.env.PROVIDER_SECRET_ARN);
    const missing = deployment.hospitals.filter((h) => !credentials.his?.[h.id]).map((h) => h.id);
    if (missing.length > 0) {
      console.error(
        `the provider secret has no HIS secret for ${missing.join(', ')}: add "his": {"<id>": "..."} first`,
      );
      process.exit(1);
    }
  }
  const outcome = await applyThrough(connection, deployment, await operatorIdentity(connection.local));
  if (!outcome.applied) {
    process.stdout.write(
      outcome.reason === 'unchanged'
        ? `version ${outcome.version} is already this deployment: nothing to do\n`
        : `another apply got there first (now version ${outcome.version}): run diff and apply again\n`,
    );
    process.exit(outcome.reason === 'unchanged' ? 0 : 1);
  }
  process.stdout.write(
    `applied version ${outcome.version} (${outcome.digest})\n${Object.entries(outcome.changes)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
