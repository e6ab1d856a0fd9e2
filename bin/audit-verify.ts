import { randomBytes, randomInt } from 'node:crypto';
import { DynamoAuditLog } from '../functions/audit/dynamo-audit-log';
import { verifyAuditRange } from '../functions/audit/verify-audit';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection } from './operator-connection';

/**
 * `npm run audit:verify -- --from 2026-11-01 [--to 2026-11-29]`: checks the audit hash chain of
 * every partition of those days and exits 1 if any entry was edited, removed or relinked.
 * Where it reads from: see operator-connection.ts.
 */
function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const day = /^\d{4}-\d{2}-\d{2}$/;
const today = new Date().toISOString().slice(0, 10);
const from = arg('from') ?? today;
const to = arg('to') ?? from;
if (!day.test(from) || !day.test(to) || from > to) {
  console.error('usage: npm run audit:verify -- --from YYYY-MM-DD [--to YYYY-MM-DD]');
  process.exit(2);
}

const connection = operatorConnection();
const { client, tableName } = connection;
const { auditKey } = await connection.appKeys();

const trail = new DynamoAuditLog(
  new SealedTable({ client, tableName }),
  { int: randomInt, bytes: (n) => new Uint8Array(randomBytes(n)) },
  auditKey,
);
const verdicts = await verifyAuditRange(trail, auditKey, { from, to });
let entries = 0;
let broken = 0;
for (const { partition, verdict } of verdicts) {
  entries += verdict.entries;
  if (!verdict.ok) {
    broken++;
    process.stdout.write(
      `${partition}: ${verdict.problem} at seq ${verdict.seq} (${verdict.entries} entries)\n`,
    );
  }
}
process.stdout.write(
  `${from}..${to}: ${verdicts.length} partitions, ${entries} entries, ${broken === 0 ? 'chain intact' : `${broken} broken`}\n`,
);
process.exit(broken === 0 ? 0 : 1);
