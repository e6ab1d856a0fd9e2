import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { cryptoRandom } from '../functions/platform/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection, operatorIdentity } from './operator-connection';
import { rewrapTable } from './ops/rewrap';

/**
 * `npm run rewrap`: re-wraps every sealed item's data key for both China regions (after
 * PeerWrapFailed, or after a fail-over once the other region is back). Where it reads from: see
 * operator-connection.ts (in AWS it needs DATA_KEY_ARN and PEER_DATA_KEY_ARNS as the functions
 * have them). Exits 1 when an item opens with none of the keys.
 */
const connection = operatorConnection();
const table = new SealedTable({
  client: connection.client,
  tableName: connection.tableName,
  sealer: new EncryptingSealer(connection.keyring(), { capacity: 10, maxAgeMs: 60_000, maxMessages: 1000 }),
});
const by = await operatorIdentity(connection.local);
const report = await rewrapTable(
  connection,
  table,
  new DynamoAuditLog(table, cryptoRandom, (await connection.appKeys()).auditKey),
  { by, now: Date.now },
);
for (const key of report.unopened) process.stdout.write(`does not open: ${key.pk} ${key.sk}\n`);
process.stdout.write(
  `${report.scanned} items, ${report.rewrapped} re-wrapped, ${report.changed} changed meanwhile (sealed anew), ${report.unopened.length} that no key opens\n`,
);
process.exit(report.unopened.length > 0 ? 1 : 0);
