import { stageConfig } from '../functions/core/config';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { incidentStore } from '../functions/incident';
import { dynamoAuditEntries } from '../functions/incident/dynamo-audit-entries';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { newId } from '../functions/kernel/ids';
import { cryptoRandom } from '../functions/platform/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection, operatorIdentity } from './operator-connection';
import { runIncidentCommand } from './ops/incident';

/**
 * `npm run incident -- open | scope | notify | report | status | close`: a personal-information
 * security incident, from the first word to the close, every step in the audit chain (see
 * bin/ops/incident.ts). Where it reads from: see operator-connection.ts. Drafts and announcements
 * go to `.data/incidents/<id>/` unless `--out` says.
 */
const connection = operatorConnection();
const table = new SealedTable({
  client: connection.client,
  tableName: connection.tableName,
  sealer: new EncryptingSealer(connection.keyring(), stageConfig('prod').dataKeyCache),
});
const { auditKey } = await connection.appKeys();
const region = process.env.AWS_REGION ?? 'cn-north-1';
const code = await runIncidentCommand(process.argv.slice(2), {
  clock: { now: () => new Date() },
  store: incidentStore(table, new DynamoAuditLog(table, cryptoRandom, auditKey)),
  newId: () => newId(cryptoRandom),
  audit: dynamoAuditEntries(table, auditKey, stageConfig('prod').audit.maxUnchainedSeconds),
  by: await operatorIdentity(connection.local),
  outDir: process.env.INCIDENT_DIR ?? '.data/incidents',
  system: `患者注册、实名认证与就诊卡服务（patient-onboarding），表 ${connection.tableName}，区域 ${region}（另一中国区域存备份）`,
  print: (line) => process.stdout.write(`${line}\n`),
});
process.exit(code);
