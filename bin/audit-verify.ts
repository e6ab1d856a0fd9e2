import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { verifyAuditRange } from '../functions/auth/verify-audit';
import { loadAppKeys } from '../functions/crypto/kms-key-source';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import { localCredentials } from './local/dynamodb-local';

/**
 * `npm run audit:verify -- --from 2026-11-01 [--to 2026-11-29]`: checks the audit hash chain of
 * every partition of those days and exits 1 if any entry was edited, removed or relinked.
 * Locally (no TABLE_NAME) it reads the `npm start` database: pass the DynamoDB Local endpoint that
 * `npm start` printed as DYNAMODB_ENDPOINT. In AWS, set TABLE_NAME, AWS_REGION and APP_SECRET_ARN.
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

const env = process.env;
const local = env.TABLE_NAME === undefined;
if (local && !env.DYNAMODB_ENDPOINT) {
  console.error('set DYNAMODB_ENDPOINT to the DynamoDB Local endpoint `npm start` printed');
  process.exit(2);
}
const region = env.AWS_REGION ?? 'cn-north-1';
const client = new DynamoDBClient({
  region,
  ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  ...(local ? { credentials: localCredentials } : {}),
});
const auditKey = local
  ? loadLocalKeyMaterial(env.LOCAL_KEY_FILE ?? '.data/keys/local-keys.json').auditKey
  : (await loadAppKeys(new SecretsManagerClient({ region }), env.APP_SECRET_ARN ?? '')).auditKey;

const verdicts = await verifyAuditRange(client, env.TABLE_NAME ?? 'patient-onboarding-local', auditKey, {
  from,
  to,
});
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
