import { stageConfig } from '../functions/core/config';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { incidentStore } from '../functions/incident';
import { dynamoAuditEntries } from '../functions/incident/dynamo-audit-entries';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { cryptoRandom } from '../functions/platform/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection, operatorIdentity } from './operator-connection';
import { runEvidenceCommand } from './ops/compliance-evidence';

/**
 * `npm run compliance:evidence -- --from --to`: the evidence bundle a compliance audit asks for
 * (see bin/ops/compliance-evidence.ts). Where it reads from: see operator-connection.ts. Bundles
 * go to `.data/evidence/<from>_<to>/` unless `--out` says. STAGE names the stage whose settings
 * it reports (default prod).
 */
const connection = operatorConnection();
const table = new SealedTable({
  client: connection.client,
  tableName: connection.tableName,
  sealer: new EncryptingSealer(connection.keyring(), stageConfig('prod').dataKeyCache),
});
const { auditKey } = await connection.appKeys();
const config = stageConfig(process.env.STAGE === 'local' ? 'local' : 'prod');
const log = new DynamoAuditLog(table, cryptoRandom, auditKey);
const incidents = incidentStore(table, log);
const code = await runEvidenceCommand(process.argv.slice(2), {
  now: Date.now,
  audit: dynamoAuditEntries(table, auditKey, config.audit.maxUnchainedSeconds),
  incident: (id) => incidents.get(id),
  record: (event) => log.record(event),
  auditKey,
  config,
  by: await operatorIdentity(connection.local),
  outDir: process.env.EVIDENCE_DIR ?? '.data/evidence',
  print: (line) => process.stdout.write(`${line}\n`),
});
process.exit(code);
