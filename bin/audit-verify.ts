import { DynamoAuditChain } from '../functions/audit/dynamo-audit-chain';
import { verifyAudit } from '../functions/audit/verify-audit';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection } from './operator-connection';

/**
 * `npm run audit:verify -- --from 2026-11-01 [--to 2026-11-29] [--max-unchained-seconds 300]`:
 * checks every audit entry of those days against its own MAC and the chain that names it, the
 * chain itself, and entries the chain has not reached within the allowed lag. Exits 1 on any
 * problem. Where it reads from: see operator-connection.ts.
 */
function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const day = /^\d{4}-\d{2}-\d{2}$/;
const today = new Date().toISOString().slice(0, 10);
const from = arg('from') ?? today;
const to = arg('to') ?? from;
const maxUnchainedSeconds = Number(arg('max-unchained-seconds') ?? 300);
if (!day.test(from) || !day.test(to) || from > to || !Number.isInteger(maxUnchainedSeconds)) {
  console.error(
    'usage: npm run audit:verify -- --from YYYY-MM-DD [--to YYYY-MM-DD] [--max-unchained-seconds N]',
  );
  process.exit(2);
}

const connection = operatorConnection();
const { client, tableName } = connection;
const { auditKey } = await connection.appKeys();
const report = await verifyAudit(
  { chain: new DynamoAuditChain(new SealedTable({ client, tableName })), auditKey },
  { from, to, now: Date.now(), maxUnchainedSeconds },
);
for (const problem of report.problems) process.stdout.write(`${JSON.stringify(problem)}\n`);
process.stdout.write(
  `${from}..${to}: ${report.entries} entries, ${report.blocks} blocks, ${report.pending} not yet chained, ${
    report.problems.length === 0 ? 'chain intact' : `${report.problems.length} problem(s)`
  }\n`,
);
process.exit(report.problems.length === 0 ? 0 : 1);
