import { randomBytes, randomInt } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Authenticator } from './auth/authenticate';
import { DynamoAuditLog } from './auth/dynamo-audit-log';
import { DynamoAuthStore } from './auth/dynamo-auth-store';
import { DynamoRateLimiter } from './auth/dynamo-rate-limiter';
import { newId } from './auth/ids';
import type { Random } from './auth/otp';
import type { PhoneRecoveryDeps } from './auth/phone-recovery';
import type { AuthDeps, CaptchaVerifier, SmsSender, TokenSigner } from './auth/ports';
import { KmsTokenSigner } from './auth/tokens/kms-token-signer';
import { LocalTokenSigner } from './auth/tokens/local-token-signer';
import { registerCard } from './cards/card-service';
import { DynamoCardStore } from './cards/dynamo-card-store';
import { DirectWebhookCardEvents, EventBridgeCardEvents } from './cards/event-publishers';
import type { HisClient } from './cards/his';
import type { CardsDeps, RegistrationJob } from './cards/ports';
import { InProcessJobQueue, SqsJobQueue } from './cards/queues';
import {
  DynamoWebhookDeadLetters,
  deliverWebhook,
  type WebhookDeps,
  type WebhookJob,
} from './cards/webhooks';
import { type Clock, systemClock } from './core/clock';
import {
  isAllowedRegion,
  type OAuthProviderConfig,
  type OAuthProviderName,
  type StageConfig,
  stageConfig,
} from './core/config';
import { StartupRefusedError } from './core/errors';
import { EmfMetricsSink, type MetricsSink } from './core/metrics';
import { BlindIndexer } from './crypto/blind-index';
import { EncryptingSealer } from './crypto/encrypting-sealer';
import { kmsKeyring, loadAppKeys } from './crypto/kms-key-source';
import { loadLocalKeyMaterial } from './crypto/local-key-source';
import type { Sealer } from './crypto/sealer';
import { DynamoEventFeed, type EventFeedDeps } from './hospital/event-feed';
import type { HospitalAuthDeps } from './hospital/hospital-auth';
import { type HospitalReadDeps, holderNameFrom } from './hospital/patient-reads';
import { DynamoIdentityStore } from './identity/dynamo-identity-store';
import type { IdentityDeps, VerificationProvider } from './identity/ports';
import { VERIFICATION_ACCOUNT_SCOPE, VERIFICATION_NUMBER_SCOPE } from './identity/verify-identity';
import { DynamoOAuthStore } from './oauth/dynamo-oauth-store';
import type { OAuthDeps } from './oauth/oauth-login';
import { OAuthProviderError } from './oauth/ports';
import type { DeletionDeps } from './privacy/account-deletion';
import type { ConsentDeps } from './privacy/consents';
import { DynamoAccountEraser } from './privacy/dynamo-account-eraser';
import { DynamoConsentStore } from './privacy/dynamo-consent-store';
import { DynamoRightsRequestStore } from './privacy/dynamo-rights-request-store';
import type { ExportDeps } from './privacy/export-data';
import type { RetentionDeps } from './privacy/retention';
import { type RightsRequestDeps, requestLimitScope } from './privacy/rights-requests';
import { TencentCaptchaVerifier } from './providers/captcha/tencent-captcha-verifier';
import {
  loadProviderCredentials,
  type ProviderCredentials,
  standinCredentials,
} from './providers/credentials';
import { FhirHisClient } from './providers/his/fhir-his-client';
import { SignedJsonHisClient } from './providers/his/signed-json-his-client';
import { QqOAuth } from './providers/oauth/qq-oauth';
import { WeChatOAuth } from './providers/oauth/wechat-oauth';
import { WeiboOAuth } from './providers/oauth/weibo-oauth';
import { AliyunSmsSender } from './providers/sms/aliyun-sms-sender';
import { FailoverSmsSender } from './providers/sms/failover-sms-sender';
import { LocalSmsSender } from './providers/sms/local-sms-sender';
import { TencentSmsSender } from './providers/sms/tencent-sms-sender';
import { AliyunId2MetaProvider } from './providers/verification/aliyun-id2meta-provider';
import { TencentFaceIdProvider } from './providers/verification/tencent-faceid-provider';
import { SealedTable } from './store/sealed-table';

/**
 * The composition root: the only module that reads environment variables and builds SDK clients,
 * once per cold start. `bin/local.ts` sets the same variables for the local runtime, so Lambda and
 * `npm start` run one graph; tests may call `setDeps` with in-memory ports.
 */
export interface Deps {
  readonly config: StageConfig;
  readonly region: string;
  readonly version: string;
  readonly clock: Clock;
  readonly keySource: 'kms' | 'local';
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly metrics: MetricsSink & { flush(): void };
  /** Key material is loaded on first use, so a function that never seals never asks KMS. */
  sealer(): Promise<Sealer>;
  indexer(): Promise<BlindIndexer>;
  table(): Promise<SealedTable>;
  /** The login feature's ports, built on first use. */
  auth(): Promise<AuthDeps>;
  /** A move to a new number for someone who lost the old one. */
  phoneRecovery(): Promise<PhoneRecoveryDeps>;
  /** Just what checking a bearer token needs: no app secret, no providers (the authorizer's grants). */
  authenticator(): Promise<Authenticator>;
  /** The real-name feature's ports. */
  identity(): Promise<IdentityDeps>;
  /** Third-party login's ports. */
  oauth(): Promise<OAuthDeps>;
  /** Medical cards' ports. */
  cards(): Promise<CardsDeps>;
  /** Webhook delivery of card events to hospitals. */
  webhooks(): Promise<WebhookDeps>;
  /** The consent ledger. */
  consents(): Promise<ConsentDeps>;
  /** Access and copy: the export of everything held about a person. */
  privacyExport(): Promise<ExportDeps>;
  /** Rights requests: account deletion, requests a person handles, their status. */
  rightsRequests(): Promise<RightsRequestDeps>;
  /** The deletion job: cards released at each HIS, items erased. */
  accountDeletion(): Promise<DeletionDeps>;
  /** The retention job. */
  retention(): Promise<RetentionDeps>;
  /** Hospital clients' token endpoint. */
  hospitalAuth(): Promise<HospitalAuthDeps>;
  /** Hospital reads of their patients. */
  hospitalReads(): Promise<HospitalReadDeps>;
  /** Hospitals' pull feed of card events. */
  hospitalEvents(): Promise<EventFeedDeps>;
}

export const cryptoRandom: Random = {
  int: (min, max) => randomInt(min, max),
  bytes: (length) => new Uint8Array(randomBytes(length)),
};

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new StartupRefusedError(`environment variable ${name} is not set`);
  return value;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined; // a transient failure (KMS throttling) must not poison the instance
      throw error;
    });
    return pending;
  };
}

/** `config` replaces the stage's own (tests that publish a new policy version, for instance). */
export function buildDeps(
  env: NodeJS.ProcessEnv = process.env,
  config = stageConfig(env.STAGE ?? 'prod'),
): Deps {
  const region = required(env, 'AWS_REGION');
  if (!isAllowedRegion(config, region)) {
    throw new StartupRefusedError(
      `region ${region} is outside the allowed regions ${config.allowedRegions.join(', ')}`,
    );
  }
  const keySource = env.KEY_SOURCE === 'local' ? 'local' : 'kms';
  const tableName = required(env, 'TABLE_NAME');
  const dynamo = new DynamoDBClient({
    region,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 3,
  });

  const secrets = once(async () => new SecretsManagerClient({ region }));
  const metrics = new EmfMetricsSink(
    env.POWERTOOLS_METRICS_NAMESPACE ?? 'PatientOnboarding',
    'patient-onboarding',
  );
  const localKeys = once(async () => loadLocalKeyMaterial(required(env, 'LOCAL_KEY_FILE'), env));
  const keyring = once(async () =>
    keySource === 'local' ? (await localKeys()).keyring : kmsKeyring(required(env, 'DATA_KEY_ARN')),
  );
  const appKeys = once(async () =>
    keySource === 'local' ? localKeys() : loadAppKeys(await secrets(), required(env, 'APP_SECRET_ARN')),
  );
  const sealer = once<Sealer>(async () => new EncryptingSealer(await keyring(), config.dataKeyCache));
  const indexer = once(async () => new BlindIndexer((await appKeys()).indexKey));
  const table = once(async () => new SealedTable({ client: dynamo, tableName, sealer: await sealer() }));
  const auditLog = once(
    async () => new DynamoAuditLog(dynamo, tableName, cryptoRandom, (await appKeys()).auditKey),
  );

  const providerCredentials = once<ProviderCredentials>(async () =>
    keySource === 'local'
      ? standinCredentials
      : loadProviderCredentials(await secrets(), required(env, 'PROVIDER_SECRET_ARN')),
  );
  const signer = once<TokenSigner>(async () =>
    keySource === 'local'
      ? LocalTokenSigner.fromFile(required(env, 'LOCAL_SIGNING_KEY_FILE'), env)
      : new KmsTokenSigner(
          new KMSClient({ region }),
          required(env, 'SIGNING_KEY_ARN'),
          (env.TRUSTED_SIGNING_KEY_ARNS ?? '').split(',').filter(Boolean),
        ),
  );

  const authConfig = config.auth;
  const smsSender = once<SmsSender>(async () => {
    const { sms } = authConfig;
    const credentials = await providerCredentials();
    const senders = sms.providers.map((name): SmsSender => {
      if (name === 'local') {
        return new LocalSmsSender(required(env, 'LOCAL_SMS_OUTBOX'), sms, systemClock, (line) =>
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
          systemClock,
          cryptoRandom,
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
        systemClock,
      );
    });
    return new FailoverSmsSender(senders);
  });
  const captchaVerifier = once<CaptchaVerifier>(async () => {
    const credentials = await providerCredentials();
    if (!credentials.tencent || !credentials.tencentCaptcha) return { verify: async () => false };
    return new TencentCaptchaVerifier(
      {
        endpoint: env.TENCENT_CAPTCHA_ENDPOINT ?? authConfig.captcha.endpoint,
        ...credentials.tencent,
        captchaAppId: authConfig.captcha.appId,
        appSecretKey: credentials.tencentCaptcha.appSecretKey,
      },
      systemClock,
    );
  });

  const auth = once<AuthDeps>(async () => {
    const [material, index, sealedTable] = await Promise.all([appKeys(), indexer(), table()]);
    return {
      config: authConfig,
      clock: systemClock,
      random: cryptoRandom,
      store: new DynamoAuthStore(sealedTable),
      limiter: new DynamoRateLimiter(dynamo, tableName),
      audit: await auditLog(),
      metrics,
      // Provider credentials are read when a code is first sent, so routes that never send never ask.
      sms: { name: 'providers', send: async (message) => (await smsSender()).send(message) },
      captcha: { verify: async (ticket, ip) => (await captchaVerifier()).verify(ticket, ip) },
      signer: await signer(),
      phoneToken: (e164: string) => index.token('phone', e164),
      otpPepper: material.otpPepper,
    };
  });

  const phoneRecovery = once<PhoneRecoveryDeps>(async () => {
    const [authDeps, index, sealedTable] = await Promise.all([auth(), indexer(), table()]);
    const identities = new DynamoIdentityStore(sealedTable);
    return {
      auth: authDeps,
      verifiedIdentity: async (userId) => {
        const found = await identities.verifiedIdentity(userId);
        return found ? { idNumberToken: found.idNumberToken, name: found.name } : undefined;
      },
      idNumberToken: (idNumber) => index.token('id-number', idNumber),
      attemptsPerDay: config.identity.limits.perAccountDaily,
    };
  });

  const identity = once<IdentityDeps>(async () => {
    const [index, sealedTable, credentials] = await Promise.all([indexer(), table(), providerCredentials()]);
    const { identity: identityConfig } = config;
    let provider: VerificationProvider;
    if (identityConfig.provider === 'tencent') {
      if (!credentials.tencent) throw new StartupRefusedError('Tencent FaceID credentials are missing');
      provider = new TencentFaceIdProvider(
        {
          ...credentials.tencent,
          region: identityConfig.tencent.region,
          endpoint: env.TENCENT_FACEID_ENDPOINT ?? identityConfig.tencent.endpoint,
        },
        systemClock,
      );
    } else {
      if (!credentials.aliyunCloudauth)
        throw new StartupRefusedError('Aliyun cloudauth credentials are missing');
      provider = new AliyunId2MetaProvider(
        {
          ...credentials.aliyunCloudauth,
          endpoint: env.ALIYUN_CLOUDAUTH_ENDPOINT ?? identityConfig.aliyun.endpoint,
        },
        systemClock,
        cryptoRandom,
      );
    }
    return {
      config: identityConfig,
      clock: systemClock,
      store: new DynamoIdentityStore(sealedTable),
      limiter: new DynamoRateLimiter(dynamo, tableName),
      audit: await auditLog(),
      provider,
      indexer: index,
      consents: new DynamoConsentStore(sealedTable),
    };
  });

  const oauth = once<OAuthDeps>(async () => {
    const [authDeps, index, sealedTable, credentials] = await Promise.all([
      auth(),
      indexer(),
      table(),
      providerCredentials(),
    ]);
    const secrets = credentials.oauth ?? {};
    const secretFor = (providerName: string) => (client: string) => {
      const secret = secrets[`${providerName}:${client}`];
      if (!secret) throw new OAuthProviderError(providerName, 'provider_error', `no_secret_${client}`);
      return secret;
    };
    // Locally the provider hosts are the stand-ins; in AWS, the configured ones.
    const withBase = (name: OAuthProviderName, cfg: OAuthProviderConfig): OAuthProviderConfig => {
      const base = env[`OAUTH_${name.toUpperCase()}_BASE`];
      if (!base) return cfg;
      return {
        ...cfg,
        apiBase: base,
        authorizeUrl: `${base}${new URL(cfg.authorizeUrl).pathname.slice(1)}`,
        ...(cfg.browserAuthorizeUrl
          ? { browserAuthorizeUrl: `${base}${new URL(cfg.browserAuthorizeUrl).pathname.slice(1)}` }
          : {}),
      };
    };
    const { providers } = config.oauth;
    return {
      auth: authDeps,
      config: config.oauth,
      providers: {
        wechat: new WeChatOAuth(withBase('wechat', providers.wechat), secretFor('wechat')),
        qq: new QqOAuth(withBase('qq', providers.qq), secretFor('qq')),
        weibo: new WeiboOAuth(withBase('weibo', providers.weibo), secretFor('weibo')),
      },
      store: new DynamoOAuthStore(sealedTable),
      indexer: index,
      localOrigin: env.LOCAL_ORIGIN,
    };
  });

  const cards = once<CardsDeps>(async () => {
    const [index, sealedTable, credentials] = await Promise.all([indexer(), table(), providerCredentials()]);
    const clients = new Map<string, HisClient>();
    const his = (hospitalId: string): HisClient => {
      const hospital = config.hospitals.find((h) => h.id === hospitalId);
      if (!hospital) throw new Error(`unknown hospital ${hospitalId}`);
      let client = clients.get(hospitalId);
      if (!client) {
        const secret = credentials.his?.[hospitalId];
        if (!secret) throw new StartupRefusedError(`HIS secret for ${hospitalId} is missing`);
        const base = env.HIS_BASE;
        const timeoutMs = 5000;
        client =
          hospital.his.kind === 'fhir'
            ? new FhirHisClient({
                endpoint: base ? `${base}fhir/` : hospital.his.endpoint,
                token: secret,
                timeoutMs,
              })
            : new SignedJsonHisClient(
                {
                  endpoint: base ?? hospital.his.endpoint,
                  clientId: hospital.his.clientId,
                  secret,
                  timeoutMs,
                },
                systemClock,
              );
        clients.set(hospitalId, client);
      }
      return client;
    };
    const deps: CardsDeps = {
      config: config.cards,
      hospitals: config.hospitals,
      policyVersion: config.auth.policy.version,
      clock: systemClock,
      store: new DynamoCardStore(sealedTable),
      identities: new DynamoIdentityStore(sealedTable),
      indexer: index,
      audit: await auditLog(),
      queue: env.REGISTRATION_QUEUE_URL
        ? new SqsJobQueue<RegistrationJob>(new SQSClient({ region }), env.REGISTRATION_QUEUE_URL)
        : new InProcessJobQueue<RegistrationJob>((job) => registerCard(deps, job)),
      events: env.EVENT_BUS_NAME
        ? new EventBridgeCardEvents(new EventBridgeClient({ region }), env.EVENT_BUS_NAME)
        : new DirectWebhookCardEvents((await webhooks()).queue),
      his,
      // Only called for hospitals with verifyRelatives; built from the same provider as real-name.
      verifier: { name: 'lazy', verify: async (person) => (await identity()).provider.verify(person) },
      verificationLimits: config.identity.limits,
      consents: new DynamoConsentStore(sealedTable),
      limiter: new DynamoRateLimiter(dynamo, tableName),
      newId: () => newId(cryptoRandom),
    };
    return deps;
  });

  const webhooks = once<WebhookDeps>(async () => {
    const credentials = await providerCredentials();
    const deps: WebhookDeps = {
      hospitals: config.hospitals,
      clock: systemClock,
      queue: env.WEBHOOK_QUEUE_URL
        ? new SqsJobQueue<WebhookJob>(new SQSClient({ region }), env.WEBHOOK_QUEUE_URL)
        : new InProcessJobQueue<WebhookJob>((job) => deliverWebhook(deps, job)),
      // Under npm start every hospital's webhook is the local receiver.
      url: (hospitalId) =>
        env.WEBHOOK_BASE
          ? `${env.WEBHOOK_BASE}${hospitalId}`
          : config.hospitals.find((h) => h.id === hospitalId)?.webhookUrl,
      secret: (hospitalId) => credentials.webhooks?.[hospitalId],
      deadLetters: new DynamoWebhookDeadLetters(dynamo, tableName, systemClock),
      feed: new DynamoEventFeed(dynamo, tableName),
      maxAttempts: 8,
    };
    return deps;
  });

  const hospitalAuth = once<HospitalAuthDeps>(async () => ({
    config: config.hospitalApi,
    issuer: config.auth.tokens.issuer,
    clock: systemClock,
    random: cryptoRandom,
    signer: await signer(),
    limiter: new DynamoRateLimiter(dynamo, tableName),
  }));
  const hospitalReads = once<HospitalReadDeps>(async () => {
    const [index, sealedTable] = await Promise.all([indexer(), table()]);
    return {
      clock: systemClock,
      cards: new DynamoCardStore(sealedTable),
      indexer: index,
      audit: await auditLog(),
      holderName: (userId: string) => holderNameFrom(sealedTable, userId),
    };
  });

  const hospitalEvents = once<EventFeedDeps>(async () => ({
    clock: systemClock,
    feed: new DynamoEventFeed(dynamo, tableName),
  }));

  const privacyExport = once<ExportDeps>(async () => {
    const sealedTable = await table();
    return {
      clock: systemClock,
      table: sealedTable,
      auth: new DynamoAuthStore(sealedTable),
      cards: new DynamoCardStore(sealedTable),
      consents: new DynamoConsentStore(sealedTable),
      requests: new DynamoRightsRequestStore(sealedTable),
      audit: await auditLog(),
    };
  });
  const consents = once<ConsentDeps>(async () => ({
    config: config.privacy,
    clock: systemClock,
    store: new DynamoConsentStore(await table()),
    audit: await auditLog(),
  }));

  const rightsRequests = once<RightsRequestDeps>(async () => {
    const sealedTable = await table();
    return {
      config: config.privacy,
      clock: systemClock,
      requests: new DynamoRightsRequestStore(sealedTable),
      audit: await auditLog(),
      limiter: new DynamoRateLimiter(dynamo, tableName),
      auth: await auth(),
      identityClaim: async (userId) =>
        (await new DynamoIdentityStore(sealedTable).verifiedIdentity(userId))?.idNumberToken,
      newId: () => newId(cryptoRandom),
    };
  });
  const accountDeletion = once<DeletionDeps>(async () => {
    const [sealedTable, index, cardDeps] = await Promise.all([table(), indexer(), cards()]);
    return {
      clock: systemClock,
      requests: new DynamoRightsRequestStore(sealedTable),
      auth: new DynamoAuthStore(sealedTable),
      identity: (userId) => new DynamoIdentityStore(sealedTable).verifiedIdentity(userId),
      cards: cardDeps,
      indexer: index,
      eraser: new DynamoAccountEraser(sealedTable, [
        VERIFICATION_ACCOUNT_SCOPE,
        VERIFICATION_NUMBER_SCOPE,
        ...config.privacy.requestLimits.perAccount.map((w) => requestLimitScope('account', w)),
      ]),
      audit: await auditLog(),
    };
  });
  const retention = once<RetentionDeps>(async () => ({
    clock: systemClock,
    client: dynamo,
    tableName,
    requests: new DynamoRightsRequestStore(await table()),
    metrics,
  }));

  const authenticator = once<Authenticator>(async () => ({
    config: config.auth,
    clock: systemClock,
    store: new DynamoAuthStore(await table()),
    signer: await signer(),
    hospitalApi: config.hospitalApi,
  }));

  return {
    config,
    region,
    version: env.APP_VERSION ?? '0.0.0',
    clock: systemClock,
    keySource,
    dynamo,
    tableName,
    metrics,
    sealer,
    indexer,
    table,
    auth,
    phoneRecovery,
    authenticator,
    identity,
    oauth,
    cards,
    webhooks,
    hospitalAuth,
    hospitalReads,
    hospitalEvents,
    consents,
    privacyExport,
    rightsRequests,
    accountDeletion,
    retention,
  };
}

let current: Deps | undefined;

export function getDeps(): Deps {
  current ??= buildDeps();
  return current;
}

/** For tests and the local runtime: replace the graph (or reset it with undefined). */
export function setDeps(deps: Deps | undefined): void {
  current = deps;
}
