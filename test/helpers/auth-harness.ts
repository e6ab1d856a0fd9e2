import { randomBytes, randomInt } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { exampleConfig } from '../../bin/local/site';
import { assembleAuthDeps } from '../../functions/auth/deps';
import type { DynamoAccountStore } from '../../functions/auth/dynamo-account-store';
import type { DynamoSessionStore } from '../../functions/auth/dynamo-session-store';
import type { AuthDeps } from '../../functions/auth/ports';
import { authStores } from '../../functions/auth/stores';
import { ManualClock } from '../../functions/core/clock';
import type { AuthConfig } from '../../functions/core/config';
import { noMetrics } from '../../functions/core/metrics';
import { BlindIndexer } from '../../functions/crypto/blind-index';
import { EncryptingSealer } from '../../functions/crypto/encrypting-sealer';
import { DynamoAuditLog } from '../../functions/kernel/audit/dynamo-audit-log';
import type { Random } from '../../functions/kernel/random';
import { DynamoRateLimiter } from '../../functions/kernel/rate/dynamo-rate-limiter';
import { CertifiedTokenSigner } from '../../functions/kernel/tokens/certified-token-signer';
import { LocalRootSigner } from '../../functions/kernel/tokens/local-root-signer';
import type { CaptchaVerifier } from '../../functions/providers/captcha/ports';
import type { SmsMessage, SmsSender } from '../../functions/providers/sms/ports';
import { SealedTable } from '../../functions/store/sealed-table';
import { freshTable } from './dynamo';
import { tempKeyFile, tempKeyMaterial } from './keys';

/** Collects messages instead of sending them; can be told to fail. */
export class CapturingSmsSender implements SmsSender {
  readonly name = 'capture';
  readonly sent: SmsMessage[] = [];
  failing = false;
  async send(message: SmsMessage): Promise<void> {
    if (this.failing) throw new Error('provider down');
    this.sent.push(message);
  }
  lastCodeFor(phone: string): string {
    const message = [...this.sent].reverse().find((m) => m.phone === phone && m.kind !== 'notice');
    if (!message || message.kind === 'notice') throw new Error(`no SMS with a code to ${phone}`);
    return message.code;
  }
}

/** Accepts exactly the tickets it was told about. */
/** Tickets the test hands out: `valid` from the standard captcha, `hard` from the hard one. */
export class ListCaptcha implements CaptchaVerifier {
  readonly valid = new Set<string>();
  readonly hard = new Set<string>();
  async verify(ticket: string, _ip: string, level: 'standard' | 'hard'): Promise<boolean> {
    if (level === 'hard') return this.hard.delete(ticket);
    return this.valid.delete(ticket) || this.hard.delete(ticket);
  }
}

export const cryptoRandom: Random = { int: randomInt, bytes: (n) => new Uint8Array(randomBytes(n)) };

export interface AuthHarness {
  readonly deps: AuthDeps;
  readonly clock: ManualClock;
  readonly sms: CapturingSmsSender;
  readonly captcha: ListCaptcha;
  readonly tableName: string;
  readonly accounts: DynamoAccountStore;
  readonly sessions: DynamoSessionStore;
  /** The sealed table and blind indexer the login feature uses, for features built on it. */
  readonly table: SealedTable;
  readonly indexer: BlindIndexer;
  /** The audit trail every store of this harness writes to. */
  readonly audit: DynamoAuditLog;
  /** The stores as built (their adapter types), for features that compose their writes. */
  readonly stores: ReturnType<typeof authStores>;
  readonly auditKey: Uint8Array;
}

/**
 * The login feature's real adapters on a fresh DynamoDB Local table, with a hand-moved clock and
 * production limits (the `prod` stage's auth config unless overridden).
 */
export async function authHarness(
  client: DynamoDBClient,
  overrides: Partial<AuthConfig> = {},
): Promise<AuthHarness> {
  const tableName = await freshTable(client, 'auth');
  const keys = tempKeyMaterial();
  const clock = new ManualClock('2026-11-29T08:00:00.000Z');
  const sealer = new EncryptingSealer(keys.keyring, exampleConfig.dataKeyCache);
  const table = new SealedTable({ client, tableName, sealer });
  const indexer = new BlindIndexer(keys.indexKey);
  const sms = new CapturingSmsSender();
  const captcha = new ListCaptcha();
  const audit = new DynamoAuditLog(table, cryptoRandom, keys.auditKey);
  const deps = assembleAuthDeps({
    table,
    config: { ...exampleConfig.auth, ...overrides },
    clock,
    random: cryptoRandom,
    limiter: new DynamoRateLimiter(table),
    audit,
    metrics: noMetrics,
    sms,
    captcha,
    signer: new CertifiedTokenSigner(
      await LocalRootSigner.fromFile(tempKeyFile().replace('local-keys.json', 'signing.jwk.json'), {}),
      clock,
    ),
    indexer,
    otpPepper: keys.otpPepper,
  });
  return {
    deps,
    clock,
    sms,
    captcha,
    tableName,
    accounts: deps.accounts as DynamoAccountStore,
    sessions: deps.sessions as DynamoSessionStore,
    table,
    indexer,
    audit,
    stores: authStores(table, audit),
    auditKey: keys.auditKey,
  };
}
