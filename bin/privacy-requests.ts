import { randomBytes, randomInt } from 'node:crypto';
import { stageConfig } from '../functions/core/config';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import { storageOnlyUntil } from '../functions/kernel/retention-marks';
import { requestStore } from '../functions/privacy/deps';
import { SealedTable } from '../functions/store/sealed-table';
import { operatorConnection } from './operator-connection';

/**
 * The operators' view of rights requests:
 *   npm run privacy:requests                 open requests, earliest due first (no personal data)
 *   npm run privacy:requests -- show <id>    one request with its contact details (audited)
 *   npm run privacy:requests -- complete <id>   mark it answered
 * Where it reads from: see operator-connection.ts.
 */
const [command = 'list', requestId] = process.argv.slice(2);
if (!['list', 'show', 'complete'].includes(command) || (command !== 'list' && !requestId)) {
  console.error('usage: npm run privacy:requests -- [list | show <requestId> | complete <requestId>]');
  process.exit(2);
}

const connection = operatorConnection();
const sealer = new EncryptingSealer(connection.keyring(), stageConfig('prod').dataKeyCache);
const table = new SealedTable({ client: connection.client, tableName: connection.tableName, sealer });
const random = { int: randomInt, bytes: (n: number) => new Uint8Array(randomBytes(n)) };
const audit = new DynamoAuditLog(table, random, (await connection.appKeys()).auditKey);
const store = requestStore(table, audit);
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

if (command === 'list') {
  const open = (await store.listOpen()).sort((a, b) => a.dueAt - b.dueAt);
  for (const r of open) {
    const late = r.dueAt < now ? '  OVERDUE' : '';
    process.stdout.write(
      `${r.requestId}  ${r.kind.padEnd(17)} received ${iso(r.receivedAt)}  due ${iso(r.dueAt)}${late}\n`,
    );
  }
  process.stdout.write(`${open.length} open request(s)\n`);
} else {
  const request = await store.get(requestId as string);
  if (!request) {
    console.error(`no request ${requestId}`);
    process.exit(1);
  }
  if (command === 'show') {
    await audit.record({
      event: 'privacy.request_opened',
      detail: { requestId: request.requestId, by: 'operator' },
      at: now,
    });
    process.stdout.write(
      `${JSON.stringify({ ...request, receivedAt: iso(request.receivedAt), dueAt: iso(request.dueAt) }, null, 2)}\n`,
    );
  } else {
    await store.complete(request.requestId, now, storageOnlyUntil(now), {
      event: 'privacy.request_completed',
      detail: { requestId: request.requestId, by: 'operator' },
      at: now,
    });
    process.stdout.write(`${request.requestId} completed\n`);
  }
}
