import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { applyDeployment, readDeployment } from '../functions/platform/deployment-source';
import { cryptoRandom } from '../functions/platform/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection, operatorIdentity } from './operator-connection';
import { runWindDownCommand } from './ops/wind-down';

/**
 * `npm run wind-down -- announce | stop | status` (see bin/ops/wind-down.ts). Where it reads
 * from: see operator-connection.ts.
 */
const connection = operatorConnection();
const table = new SealedTable({ client: connection.client, tableName: connection.tableName });
const audit = new DynamoAuditLog(table, cryptoRandom, (await connection.appKeys()).auditKey);
const by = await operatorIdentity(connection.local);
const code = await runWindDownCommand(process.argv.slice(2), {
  now: Date.now,
  current: () => readDeployment(table),
  apply: (next) => applyDeployment(table, audit, next, { at: Date.now(), by }),
  print: (line) => process.stdout.write(`${line}\n`),
});
process.exit(code);
