import type { Clock } from '../core/clock';
import type { AuthConfig } from '../core/config';
import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import type { MetricsSink } from '../core/metrics';
import type { BlindIndexer } from '../crypto/blind-index';
import { identityStore } from '../identity';
import type { AuditLog, AuditWriter } from '../kernel/audit/ports';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import type { TokenSigner } from '../kernel/tokens/ports';
import {
  appKeys,
  auditLog,
  edge,
  indexer,
  platform,
  providerCredentials,
  rateLimiter,
  required,
  sealedTable,
  tokenSigner,
} from '../platform/deps';
import { once } from '../platform/runtime';
import type { CaptchaVerifier } from '../providers/captcha/ports';
import { TencentCaptchaVerifier } from '../providers/captcha/tencent-captcha-verifier';
import { LocalSmsSender } from '../providers/local/local-sms-sender';
import { AliyunSmsSender } from '../providers/sms/aliyun-sms-sender';
import { FailoverSmsSender } from '../providers/sms/failover-sms-sender';
import type { SmsSender } from '../providers/sms/ports';
import { TencentSmsSender } from '../providers/sms/tencent-sms-sender';
import type { SealedTable } from '../store/sealed-table';
import type { DynamoAccountStore } from './dynamo-account-store';
import type { DynamoOAuthStore } from './dynamo-oauth-store';
import type { PhoneRecoveryDeps } from './phone-recovery';
import type { AuthDeps, CodeDeps } from './ports';
import { authStores } from './stores';

/**
 * The login feature's composition root (groups `auth` and `account`): its stores, the SMS and
 * captcha providers and the token signer, built once per cold start from the platform's parts.
 */
export function smsSender(): Promise<SmsSender> {
  return once('smsSender', async () => {
    const { env, config, clock, random } = platform();
    const { sms } = config.auth;
    const credentials = await providerCredentials();
    const senders = sms.providers.map((name): SmsSender => {
      if (name === 'local') {
        return new LocalSmsSender(required(env, 'LOCAL_SMS_OUTBOX'), sms, clock, (line) =>
          process.stdout.write(`${line}\n`),
        );
      }
      if (name === 'aliyun') {
        if (!credentials.aliyunSms) throw new StartupRefusedError('Aliyun SMS credentials are missing');
        return new AliyunSmsSender(
          {
            ...credentials.aliyunSms,
            endpoint: env.ALIYUN_SMS_ENDPOINT ?? sms.aliyun.endpoint,
            signName: sms.signName,
            templateCode: sms.aliyun.templateCode,
            noticeTemplates: sms.aliyun.noticeTemplates,
          },
          clock,
          random,
        );
      }
      if (!credentials.tencent) throw new StartupRefusedError('Tencent SMS credentials are missing');
      return new TencentSmsSender(
        {
          ...credentials.tencent,
          ...sms.tencent,
          endpoint: env.TENCENT_SMS_ENDPOINT ?? sms.tencent.endpoint,
          signName: sms.signName,
        },
        clock,
      );
    });
    return new FailoverSmsSender(senders);
  });
}

function captchaVerifier(): Promise<CaptchaVerifier> {
  return once('captchaVerifier', async () => {
    const { env, config, clock } = platform();
    const credentials = await providerCredentials();
    if (!credentials.tencent || !credentials.tencentCaptcha) return { verify: async () => false };
    return new TencentCaptchaVerifier(
      {
        endpoint: env.TENCENT_CAPTCHA_ENDPOINT ?? config.auth.captcha.endpoint,
        ...credentials.tencent,
        apps: {
          standard: {
            captchaAppId: config.auth.captcha.appId,
            appSecretKey: credentials.tencentCaptcha.appSecretKey,
          },
          // Without its own key the hard level is the standard captcha (logged once at start).
          hard: credentials.tencentCaptcha.hardAppSecretKey
            ? {
                captchaAppId: config.auth.captcha.hardAppId,
                appSecretKey: credentials.tencentCaptcha.hardAppSecretKey,
              }
            : undefined,
        },
      },
      clock,
    );
  });
}

/** The OAuth store: registration links an identity in its own transaction. */
export function oauthStore(): Promise<DynamoOAuthStore> {
  return once('oauthStore', async () => {
    const [table, audit] = await Promise.all([sealedTable(), auditLog()]);
    return authStores(table, audit).links;
  });
}

/** The parts AuthDeps is assembled from, whatever built them. */
export interface AuthParts {
  readonly table: SealedTable;
  readonly config: AuthConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly limiter: RateLimiter;
  readonly audit: AuditLog & AuditWriter;
  readonly metrics: MetricsSink;
  readonly sms: SmsSender;
  readonly captcha: CaptchaVerifier;
  readonly signer: TokenSigner;
  readonly indexer: Pick<BlindIndexer, 'token'>;
  readonly otpPepper: Uint8Array;
}

export function assembleAuthDeps(parts: AuthParts): AuthDeps {
  const { challenges, accounts, sessions, consents } = authStores(parts.table, parts.audit);
  return {
    config: parts.config,
    clock: parts.clock,
    random: parts.random,
    challenges,
    accounts,
    sessions,
    acceptedPolicyVersion: async (userId) => {
      const state = await consents.current(userId, 'privacy_policy');
      return state?.accepted ? state.policyVersion : undefined;
    },
    limiter: parts.limiter,
    audit: parts.audit,
    metrics: parts.metrics,
    sms: parts.sms,
    captcha: parts.captcha,
    signer: parts.signer,
    phoneToken: (e164: string) => parts.indexer.token('phone', e164),
    otpPepper: parts.otpPepper,
  };
}

/** Accounts, as the deletion job and the export read them. */
export function accountStore(): Promise<DynamoAccountStore> {
  return once('accountStore', async () => {
    const [table, audit] = await Promise.all([sealedTable(), auditLog()]);
    return authStores(table, audit).accounts;
  });
}

// Provider credentials are read when a message is first sent, so routes that never send never ask.
const lazySms: SmsSender = { name: 'providers', send: async (message) => (await smsSender()).send(message) };
const lazyCaptcha: CaptchaVerifier = {
  verify: async (ticket, ip, level) => (await captchaVerifier()).verify(ticket, ip, level),
};

export function authDeps(): Promise<AuthDeps> {
  return once<Promise<AuthDeps>>('authDeps', async () => {
    const { config, clock, random, metrics } = platform();
    const [keys, index, table, signer, audit] = await Promise.all([
      appKeys(),
      indexer(),
      sealedTable(),
      tokenSigner(),
      auditLog(),
    ]);
    return assembleAuthDeps({
      table,
      config: config.auth,
      clock,
      random,
      limiter: rateLimiter(),
      audit,
      metrics,
      sms: lazySms,
      captcha: lazyCaptcha,
      signer,
      indexer: index,
      otpPepper: keys.otpPepper,
    });
  });
}

/**
 * Sending and checking one-time codes for another feature (a card's proof of a patient's phone):
 * the same challenges, limits and providers as login, without accounts or the token signer.
 */
export function codeDeps(): Promise<CodeDeps> {
  return once<Promise<CodeDeps>>('codeDeps', async () => {
    const { config, clock, random, metrics } = platform();
    const [keys, index, table, audit] = await Promise.all([appKeys(), indexer(), sealedTable(), auditLog()]);
    return {
      config: config.auth,
      clock,
      random,
      challenges: authStores(table, audit).challenges,
      limiter: rateLimiter(),
      audit,
      metrics,
      sms: lazySms,
      captcha: lazyCaptcha,
      phoneToken: (e164: string) => index.token('phone', e164),
      otpPepper: keys.otpPepper,
    };
  });
}

/** Login routes. */
export async function loginDeps(): Promise<{ edge: EdgeDeps; auth: AuthDeps }> {
  return { edge: edge(), auth: await authDeps() };
}

/** Sending a code: a `bind` code is for someone in the middle of a third-party login. */
export async function sendDeps(): Promise<{
  edge: EdgeDeps;
  auth: AuthDeps;
  binds: Pick<DynamoOAuthStore, 'getBind'>;
}> {
  const [auth, binds] = await Promise.all([authDeps(), oauthStore()]);
  return { edge: edge(), auth, binds };
}

export function phoneRecoveryDeps(): Promise<PhoneRecoveryDeps> {
  return once<Promise<PhoneRecoveryDeps>>('phoneRecoveryDeps', async () => {
    const [auth, index, table] = await Promise.all([authDeps(), indexer(), sealedTable()]);
    const identities = identityStore(table);
    return {
      auth,
      verifiedIdentity: async (userId) => {
        const found = await identities.verifiedIdentity(userId);
        return found ? { idNumberToken: found.idNumberToken, name: found.name } : undefined;
      },
      idNumberToken: (idNumber) => index.token('id-number', idNumber),
      attemptsPerDay: platform().config.identity.limits.perAccountDaily,
    };
  });
}

/** The signed-in account's routes. */
export async function accountDeps(): Promise<{ edge: EdgeDeps; auth: AuthDeps }> {
  return { edge: edge(), auth: await authDeps() };
}

/** Starting a phone recovery also checks the verified identity. */
export async function recoveryDeps(): Promise<{ edge: EdgeDeps; recovery: PhoneRecoveryDeps }> {
  return { edge: edge(), recovery: await phoneRecoveryDeps() };
}

/** The public keys of access tokens only: no table, no keys. */
export async function jwksDeps() {
  return { edge: edge(), signer: await tokenSigner() };
}
