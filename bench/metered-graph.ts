import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../bin/local/ensure-table';
import { assembleAuthDeps } from '../functions/auth/deps';
import { ManualClock } from '../functions/core/clock';
import type { AuthConfig } from '../functions/core/config';
import { stages } from '../functions/core/config';
import { noMetrics } from '../functions/core/metrics';
import { BlindIndexer } from '../functions/crypto/blind-index';
import { EncryptingSealer } from '../functions/crypto/encrypting-sealer';
import { loadLocalKeyMaterial } from '../functions/crypto/local-key-source';
import { DynamoAuditLog } from '../functions/kernel/audit/dynamo-audit-log';
import type { Random } from '../functions/kernel/random';
import { DynamoRateLimiter } from '../functions/kernel/rate/dynamo-rate-limiter';
import { CertifiedTokenSigner } from '../functions/kernel/tokens/certified-token-signer';
import { LocalRootSigner } from '../functions/kernel/tokens/local-root-signer';
import type { SmsMessage } from '../functions/providers/sms/ports';
import { SealedTable } from '../functions/store/sealed-table';
import { meterDynamo } from './call-meter';
import { CountingKeyring } from './counting-keyring';

/**
 * What the request-path benches share: a fresh table on DynamoDB Local behind the call meter,
 * local keys behind a counting keyring (each count a KMS call in AWS), the certified signer, a
 * fixed clock, and the login feature's deps on all of it with an SMS sender that keeps the codes.
 */
export async function meteredGraph(endpoint: string, name: string) {
  const work = mkdtempSync(join(tmpdir(), `po-bench-${name}-`));
  const tableName = `bench-${name}-${Date.now()}`;
  const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials });
  // Reads the meter makes to price writes, kept off the metered client.
  const inspector = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials });
  await ensureTable(client, tableName);
  const meter = meterDynamo(client, { inspector });
  const keys = loadLocalKeyMaterial(join(work, 'keys.json'), {});
  const keyring = new CountingKeyring(keys.keyring);
  const table = new SealedTable({
    client,
    tableName,
    sealer: new EncryptingSealer(keyring, stages.prod.dataKeyCache),
  });
  const indexer = new BlindIndexer(keys.indexKey);
  // The root plays the KMS key: each of its signatures is a KMS `Sign` in AWS.
  const root = await LocalRootSigner.fromFile(join(work, 'signing.json'), {});
  const random: Random = { int: randomInt, bytes: (k) => new Uint8Array(randomBytes(k)) };
  const clock = new ManualClock('2026-11-29T08:00:00Z');
  const signer = new CertifiedTokenSigner(root, clock);
  const audit = new DynamoAuditLog(table, random, keys.auditKey);
  const limiter = new DynamoRateLimiter(table);
  /** Codes sent, by number. */
  const outbox = new Map<string, string>();
  const auth = (config: AuthConfig = stages.prod.auth) =>
    assembleAuthDeps({
      table,
      config,
      clock,
      random,
      limiter,
      audit,
      metrics: noMetrics,
      sms: {
        name: 'bench',
        send: async (m: SmsMessage) => {
          if (m.kind !== 'notice') outbox.set(m.phone, m.code);
        },
      },
      captcha: { verify: async () => true },
      signer,
      indexer,
      otpPepper: keys.otpPepper,
    });
  return {
    tableName,
    meter,
    keyring,
    table,
    indexer,
    root,
    random,
    clock,
    signer,
    audit,
    limiter,
    outbox,
    auth,
    close() {
      client.destroy();
      inspector.destroy();
    },
  };
}
