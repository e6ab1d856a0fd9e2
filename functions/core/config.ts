/**
 * Stage configuration: plain data, no environment reads (wiring.ts and bin/ choose the stage).
 * Every limit that later features use lives here so that a stage can tighten or relax it.
 */
import { livenessProviderNames, oauthClients, oauthProviderNames, oidcScopes } from './config-names';

export { livenessProviderNames, oauthClients, oauthProviderNames, oidcScopes };

export type StageName = 'local' | 'dev' | 'prod';

export interface StageConfig {
  readonly stage: StageName;
  /** Regions this stage may run in; the CDK app and the Lambda runtime both refuse others. */
  readonly allowedRegions: readonly string[];
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Data-key cache of the envelope encryption: bounded so one data key seals a limited amount. */
  readonly dataKeyCache: {
    readonly capacity: number;
    readonly maxAgeMs: number;
    readonly maxMessages: number;
  };
  /** Days CloudWatch keeps function and access logs. */
  readonly logRetentionDays: number;
  /** The audit chain may lag the entries this long before an unchained entry is a problem (alarmed). */
  readonly audit: { readonly maxUnchainedSeconds: number };
  /**
   * The scheduled restore test: a restore not finished this many hours after its backup failed;
   * a newest backup older than this many hours is a failure (the daily plan makes one a day).
   */
  readonly restoreTest: { readonly maxRestoreHours: number; readonly maxBackupAgeHours: number };
  readonly auth: AuthConfig;
  readonly identity: IdentityConfig;
  readonly oauth: OAuthConfig;
  readonly cards: CardsConfig;
  readonly hospitals: readonly HospitalConfig[];
  /** The service is ending (see core/deployment.ts `windDown`); undefined while it runs. */
  readonly windDown?: import('./deployment').WindDown | undefined;
  readonly hospitalApi: HospitalApiConfig;
  readonly oidc: OidcConfig;
  readonly privacy: PrivacyConfig;
  /** Days daily backups (and their copies in the other China region) are kept. */
  readonly backupRetentionDays: number;
  /**
   * How old a function's copy of the deployment (hospitals, clients, app ids) may grow before it
   * reads the table's again: the longest a new hospital or a rotated client secret waits.
   */
  readonly deploymentRefreshSeconds: number;
  /** DynamoDB warm throughput for the rush (prod); absent, a new on-demand table's defaults. */
  readonly warmThroughput?: { readonly readUnitsPerSecond: number; readonly writeUnitsPerSecond: number };
  /**
   * Reserved concurrency per function (`authorizer`, route groups, workers); also a cost ceiling.
   * Their sum plus the 100 Lambda keeps unreserved must fit the account's concurrency quota (the
   * CDK app checks it against the `accountConcurrency` context when given).
   */
  readonly concurrency: { readonly default: number; readonly perFunction: Readonly<Record<string, number>> };
  /** Lambda architecture per region: arm64 where the region offers it for nodejs22.x. */
  readonly architectures: Readonly<Record<string, 'arm64' | 'x86_64'>>;
  /**
   * AWS WAF on the REST API stage: per-IP rate limits (requests per 5 minutes, WAF's window) on
   * the routes that cost money or guard secrets, and the blocked-requests level that pages on-call.
   */
  readonly waf: {
    readonly ratePerIpPer5Minutes: Readonly<Record<string, number>>;
    readonly blockedRequestsAlarm: number;
  };
  /**
   * Provisioned concurrency for the login path around hospitals' slot-release times (Application
   * Auto Scaling scheduled actions, UTC cron): `functions` at `concurrency` from each window's
   * start to its end, none otherwise.
   */
  readonly rush: {
    readonly functions: readonly string[];
    readonly concurrency: number;
    readonly windows: ReadonlyArray<{ readonly name: string; readonly start: string; readonly end: string }>;
  };
  /** API Gateway throttling: the stage default and tighter limits for costly routes (by route id). */
  readonly throttle: {
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly perRoute: Readonly<Record<string, { readonly rateLimit: number; readonly burstLimit: number }>>;
  };
}

export interface HospitalConfig {
  readonly id: string;
  readonly name: string;
  readonly cardLimit: number;
  /** Whether relatives' name and ID number go through the paid two-element check too. */
  readonly verifyRelatives: boolean;
  /** The hospital system: FHIR R4 or a signed JSON gateway; its secret is `his:<id>` in the provider secret. */
  readonly his: {
    readonly kind: 'fhir' | 'signed_json';
    readonly endpoint: string;
    readonly clientId: string;
  };
  /** Where card events are delivered (signed); its secret is `webhooks.<id>` in the provider secret. */
  readonly webhookUrl?: string;
  /**
   * The assurance an account needs before it opens cards here: `two_element` (name and ID number
   * checked) or `real_person` (also face liveness, or attested at a counter). Default two_element.
   */
  readonly requiredAssurance?: AssuranceLevel;
  /** The liveness provider this hospital's people are checked with (default: the stage's). */
  readonly livenessProvider?: LivenessProviderName;
  /** The identifier system of this hospital's card numbers (its OID, as `urn:oid:…`), when it has one. */
  readonly cardNumberSystem?: string;
}

export type AssuranceLevel = 'two_element' | 'real_person';
export type LivenessProviderName = (typeof livenessProviderNames)[number];

/** A published version of the privacy policy. */
export interface PolicyVersion {
  readonly version: string;
  readonly publishedAt: string;
  /** A material change needs every user's renewed consent. */
  readonly material: boolean;
  readonly textUrl: string;
  /** What accepting the policy itself covers (registration). */
  readonly purposes: readonly string[];
}

/** Purposes that need their own, separate consent (PIPL art. 29: sensitive personal information). */
export const separatePurposes = [
  'sensitive_identity',
  // Face information (人脸识别技术应用安全管理办法): its own consent, never bundled with another.
  'face_recognition',
  'medical_card',
  'location',
  'sdk_push',
  'cross_border',
] as const;
export type SeparatePurpose = (typeof separatePurposes)[number];

/**
 * Mainland public holidays and the weekend days worked in their place (调休), from the State
 * Council's yearly notice. Years not listed count weekends only; add each year when announced.
 */
export interface WorkingDayCalendar {
  readonly years: readonly number[];
  /** `YYYY-MM-DD` days off that fall on weekdays or weekends. */
  readonly holidays: readonly string[];
  /** `YYYY-MM-DD` weekend days that are working days. */
  readonly workdays: readonly string[];
}

export interface PrivacyConfig {
  /** Oldest first; the last is current. */
  readonly policies: readonly [PolicyVersion, ...PolicyVersion[]];
  /** Rights requests a person handles: answered within this many working days (GB/T 35273 8.7). */
  readonly requestDueWorkingDays: number;
  readonly calendar: WorkingDayCalendar;
  /** Unauthenticated rights requests per number and per IP prefix. */
  readonly requestLimits: {
    readonly perNumber: readonly RateWindow[];
    readonly perIp: readonly RateWindow[];
    /** Requests a signed-in account makes (`POST /v1/me/requests`). */
    readonly perAccount: readonly RateWindow[];
  };
}

export interface HospitalClientConfig {
  readonly clientId: string;
  readonly hospitalId: string;
  readonly scopes: readonly ('patients:read' | 'events:read' | 'identity:attest')[];
  /** SHA-256 (base64url) of the accepted secrets: two during a rotation, one otherwise. */
  readonly secretHashes: readonly string[];
  /**
   * The public keys of the client's signed assertions (SMART Backend Services, RFC 7523
   * `private_key_jwt`), each with its `kid`: two during a rotation. None: secrets only.
   */
  readonly jwks?: { readonly keys: ReadonlyArray<Readonly<Record<string, unknown>>> };
  readonly disabled: boolean;
}

export interface HospitalApiConfig {
  readonly audience: string;
  readonly tokenTtlSeconds: number;
  /** Token requests per client per minute with the right secret. */
  readonly tokenRequestsPerMinute: number;
  /**
   * Failed token requests per (client id, caller's IP prefix): a prefix over it is refused before
   * its secret is checked. Kept apart from the client's own count, so strangers cannot lock it out.
   */
  readonly failedTokenRequests: RateWindow;
  readonly clients: readonly HospitalClientConfig[];
}

export type OidcScope = (typeof oidcScopes)[number];

/** One of the hospital's own apps that signs people in through us (OpenID Connect). */
export interface OidcClientConfig {
  readonly clientId: string;
  /** Shown on the consent page: who the information goes to (PIPL art. 23). */
  readonly name: { readonly 'zh-CN': string; readonly en: string };
  /** The processor behind the app and what it does with the information, for the consent page. */
  readonly processor: { readonly 'zh-CN': string; readonly en: string };
  /** Exact redirect URIs: compared as whole strings, no wildcards, no prefix matches. */
  readonly redirectUris: readonly string[];
  /** Where RP-initiated logout may send the browser back to (exact). */
  readonly postLogoutRedirectUris: readonly string[];
  /** SHA-256 (base64url) of the accepted secrets; none: a public client (PKCE alone). */
  readonly secretHashes: readonly string[];
  readonly scopes: readonly OidcScope[];
  /**
   * `pairwise` (the default): each sector sees its own subject for a person, so two apps cannot
   * join their records by it. `public`: one subject for every client that is `public`.
   */
  readonly subjectType: 'pairwise' | 'public';
  /** The sector of pairwise subjects: by default the one host of the redirect URIs. */
  readonly sector?: string;
  readonly disabled: boolean;
}

export interface OidcConfig {
  readonly issuer: string;
  /** `npm start` and the rehearsal: the issuer is the local server's own origin. */
  readonly issuerIsLocalOrigin: boolean;
  /** The web client's consent page (an absolute URL; under the issuer's origin when local). */
  readonly consentPage: string;
  /** An authorization request waits this long for the person (sign-in, step-up, consent). */
  readonly requestTtlSeconds: number;
  readonly codeTtlSeconds: number;
  readonly accessTtlSeconds: number;
  readonly idTokenTtlSeconds: number;
  /**
   * Failed client authentications per (client id, caller's IP prefix): over it that network's
   * wrong secrets are refused before they are checked; the right secret always passes.
   */
  readonly failedClientAuth: RateWindow;
  /** Authorization requests started per IP prefix (each writes an item). */
  readonly authorizePerIp: readonly RateWindow[];
  readonly clients: readonly OidcClientConfig[];
}

export interface CardsConfig {
  /** How long an Idempotency-Key is remembered. */
  readonly idempotencySeconds: number;
  readonly registration: {
    /** How long a create request waits for the HIS before answering 202 pending. */
    readonly syncTimeoutMs: number;
    readonly maxAttempts: number;
    readonly baseDelaySeconds: number;
    readonly maxDelaySeconds: number;
  };
  /**
   * New cards per account per day, each a question to a HIS about a person: counted whether or
   * not the card survives, so creating and unbinding is no unlimited "is this person a patient".
   */
  readonly hisLookupsPerAccountDaily: number;
}

export type OAuthProviderName = (typeof oauthProviderNames)[number];
export type OAuthClient = (typeof oauthClients)[number];

export interface OAuthProviderConfig {
  /** App ids per client kind; secrets are in the provider-credentials secret under `<provider>:<client>`. */
  readonly appIds: Partial<Record<OAuthClient, string>>;
  /** Where the person approves (web) and where the API lives. */
  readonly authorizeUrl: string;
  /** WeChat's in-app-browser authorize page differs from its QR page. */
  readonly browserAuthorizeUrl?: string;
  readonly apiBase: string;
  /** Redirect URI the native app's code was issued for (QQ and Weibo want it at exchange). */
  readonly appRedirectUri?: string;
}

export interface OAuthConfig {
  /** Exact redirect URIs a web client may ask for. */
  readonly redirectUris: readonly string[];
  /** `npm start` only: any URI under the local server's own origin is allowed too. */
  readonly allowLocalOrigin: boolean;
  readonly stateTtlSeconds: number;
  readonly bindTokenTtlSeconds: number;
  /** Logins started (state items written) per IP prefix. */
  readonly authorizePerIp: readonly RateWindow[];
  readonly providers: Readonly<Record<OAuthProviderName, OAuthProviderConfig>>;
  readonly miniPrograms: MiniProgramConfig;
}

/**
 * The hospitals' mini-programs (WeChat, Alipay): login with the platform's code and the one-tap
 * phone number. Secrets (WeChat app secret; Alipay app private key, Alipay public key, AES key) are
 * in the provider-credentials secret under `miniPrograms`.
 */
export interface MiniProgramConfig {
  readonly wechat: ReadonlyArray<{ readonly appId: string; readonly hospitalId?: string }>;
  readonly alipay: ReadonlyArray<{ readonly appId: string; readonly hospitalId?: string }>;
  readonly wechatApiBase: string;
  readonly alipayGateway: string;
  /** The shared platform access token is refreshed this long before it expires. */
  readonly tokenRefreshAheadSeconds: number;
  /**
   * How long a phone proof is remembered so it cannot be replayed: a WeChat phone code lives 5
   * minutes at WeChat; an Alipay payload carries no time and opens as long as the app's AES key
   * does (rotate that key to end every captured one).
   */
  readonly phoneProofSeconds: { readonly wechat: number; readonly alipay: number };
}

/** Who can say who a person is: the web and app logins, and Alipay (mini-program only). */
export const identityProviderNames = [...oauthProviderNames, 'alipay'] as const;
export type IdentityProviderName = (typeof identityProviderNames)[number];

export interface IdentityConfig {
  readonly provider: 'tencent' | 'aliyun';
  /** Upgrade 15-digit resident numbers (insert 19, add the check) rather than refuse them. */
  readonly upgradeLegacy: boolean;
  /** Younger people are added by a guardian as a family card, not verified on their own account. */
  readonly minAge: number;
  readonly limits: { readonly perAccountDaily: number; readonly perIdNumberDaily: number };
  readonly tencent: { readonly endpoint: string; readonly region: string };
  readonly aliyun: { readonly endpoint: string };
  readonly liveness: LivenessConfig;
}

/** Real-person verification (实人认证): face liveness against the national photo, through a provider. */
export interface LivenessConfig {
  /** The default provider; a hospital may name its own. */
  readonly provider: LivenessProviderName;
  /** When the provider cannot start a check, start it at the other one (never once a check has begun). */
  readonly failover: boolean;
  /** Tencent FaceID: the RuleId configured in its console (DetectAuth, GetDetectInfoEnhanced). */
  readonly tencent: { readonly ruleId: string };
  /** Alibaba Cloud: the scene created in its console (InitFaceVerify, DescribeFaceVerify). */
  readonly aliyun: { readonly sceneId: string };
  /** Exact URLs the provider's H5 page may return to (the web client's landing page). */
  readonly redirectUris: readonly string[];
  /** `npm start` only: any URL under the local server's own origin too. */
  readonly allowLocalOrigin: boolean;
  /** Checks started per account and per ID number a day, and all checks a day (sharded counter). */
  readonly limits: {
    readonly perAccountDaily: number;
    readonly perIdNumberDaily: number;
    readonly globalDailyStarts: number;
    readonly globalCounterShards: number;
  };
  /** Results other than a pass are kept this long for the person's own export, then expire. */
  readonly keepFailedDays: number;
}

export interface RateWindow {
  /** Window length in seconds (fixed windows aligned to the epoch). */
  readonly seconds: number;
  readonly max: number;
}

/** A count that raises the bar and never refuses: past `captchaAt` a captcha, past `hardAt` the hard one. */
export interface EscalationWindow {
  readonly seconds: number;
  readonly captchaAt: number;
  readonly hardAt: number;
}

/** Which share of the day's SMS ceiling a send draws on (see AuthConfig.limits.global). */
export type SendPool = 'known' | 'captcha' | 'open';

export interface AuthConfig {
  /** The privacy-policy version a new account must accept, and the purposes it covers. */
  readonly policy: { readonly version: string; readonly purposes: readonly string[] };
  readonly otp: {
    readonly ttlSeconds: number;
    readonly maxAttempts: number;
    readonly resendAfterSeconds: number;
  };
  /**
   * Hard refusals are per number only (the owner's own limit, and the bound on what one number
   * costs); what a network does only raises the bar for sends from it (a captcha, then the hard
   * one), so a crowd behind one address (a hospital's Wi-Fi, a carrier NAT) is never refused.
   */
  readonly limits: {
    readonly perNumber: readonly RateWindow[];
    /** Virtual-operator numbers (162, 165, 167, 170, 171) are abused more: stricter, and always captcha. */
    readonly perVirtualNumber: readonly RateWindow[];
    /** Sends from one network (IPv4 /24, IPv6 /64): a signal, never a refusal. */
    readonly perNetwork: readonly EscalationWindow[];
    /** Failed verifies from one network (made-up challenges too): raises the bar for its sends. */
    readonly failedVerifiesPerNetwork: EscalationWindow;
    /**
     * Failed verifies against a number from any network: new codes for it need a captcha, so its
     * owner can still log in while a script cannot keep asking.
     */
    readonly failedVerifiesPerNumber: EscalationWindow;
    /**
     * All sends per UTC day, in shares so no single actor can spend it: numbers that already have
     * an account keep a reserve nobody else can reach; sends that passed a captcha have their own
     * share; sends without one (the cheapest to script) the smallest. A full share without a
     * captcha asks for one; a full captcha share refuses (503) until the next day.
     */
    readonly global: {
      readonly dailySends: number;
      readonly shares: Readonly<Record<SendPool, number>>;
      /**
       * Each share is kept in this many counters, each allowed its part, one drawn at random per
       * send: one counter for every send would be a hot key. A share then trips when a counter
       * fills, a little before the total does (by a few standard deviations of a binomial).
       */
      readonly counterShards: number;
    };
    /** A captcha ticket is required once a number window has this many sends left or fewer. */
    readonly captchaWhenRemaining: number;
  };
  /** `npm start` only: loopback clients skip the network signals and the captcha. */
  readonly exemptLoopback: boolean;
  /** A move to a new number without the old one waits this long, while the old number is told. */
  readonly phoneRecovery: { readonly waitSeconds: number };
  readonly tokens: {
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    readonly refreshIdleSeconds: number;
    readonly refreshAbsoluteSeconds: number;
    /** The immediately previous refresh token may be replayed this long after rotation (lost responses). */
    readonly reuseGraceSeconds: number;
  };
  readonly sms: {
    /** Send through these in order, falling over to the next on a provider error. */
    readonly providers: readonly ('aliyun' | 'tencent' | 'local')[];
    /** Android SMS Retriever 11-character app hash, appended when set. */
    readonly androidAppHash?: string;
    /** Origin-bound one-time code line `@<host> #<code>` (WebOTP), when set. */
    readonly webOtpHost?: string;
    readonly signName: string;
    readonly aliyun: {
      readonly endpoint: string;
      readonly templateCode: string;
      readonly noticeTemplates: Readonly<Record<'phone_recovery' | 'identity_linked' | 'incident', string>>;
    };
    readonly tencent: {
      readonly endpoint: string;
      readonly region: string;
      readonly sdkAppId: string;
      readonly templateId: string;
      readonly noticeTemplates: Readonly<Record<'phone_recovery' | 'identity_linked' | 'incident', string>>;
    };
  };
  /**
   * Tencent Captcha: two CaptchaAppIds configured in its console, the standard one and a harder
   * one (higher difficulty, no seamless pass) for networks sending far more than people do.
   */
  readonly captcha: {
    readonly endpoint: string;
    readonly appId: number;
    readonly hardAppId: number;
    /** The widget script the web client loads (Tencent's; the local stand-in's under npm start). */
    readonly widgetUrl: string;
  };
  /**
   * Hops whose `X-Forwarded-For` is believed (the web session layer's own addresses): from any
   * other caller the header is ignored, so nobody can choose the address their limits count on.
   */
  readonly trustedHops: readonly string[];
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/** `count` consecutive calendar days from `first` (YYYY-MM-DD). */
function dayRange(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * DAY * 1000).toISOString().slice(0, 10));
}

const privacy: PrivacyConfig = {
  policies: [
    {
      version: '2026-11-01',
      publishedAt: '2026-11-01T00:00:00+08:00',
      material: true,
      textUrl: 'https://app.patient-onboarding.cn/privacy/2026-11-01',
      purposes: ['account', 'sms_login'],
    },
  ],
  requestDueWorkingDays: 15,
  // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
  calendar: {
    years: [2026],
    holidays: [
      ...dayRange('2026-01-01', 3),
      ...dayRange('2026-02-15', 9),
      ...dayRange('2026-04-04', 3),
      ...dayRange('2026-05-01', 5),
      ...dayRange('2026-06-19', 3),
      ...dayRange('2026-09-25', 3),
      ...dayRange('2026-10-01', 7),
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
  requestLimits: {
    perNumber: [{ seconds: DAY, max: 3 }],
    perIp: [{ seconds: HOUR, max: 10 }],
    perAccount: [{ seconds: DAY, max: 5 }],
  },
};
const currentPolicy = privacy.policies[privacy.policies.length - 1] as PolicyVersion;

/** Production defaults; the `local` stage changes only what running on one machine needs. */
const prodAuth: AuthConfig = {
  policy: { version: currentPolicy.version, purposes: currentPolicy.purposes },
  otp: { ttlSeconds: 300, maxAttempts: 3, resendAfterSeconds: 60 },
  limits: {
    perNumber: [
      { seconds: HOUR, max: 5 },
      { seconds: DAY, max: 10 },
    ],
    perVirtualNumber: [
      { seconds: HOUR, max: 2 },
      { seconds: DAY, max: 4 },
    ],
    // A person sends a few codes a day; a lobby's Wi-Fi or a carrier NAT sends thousands. Past a
    // handful from one network each send needs a captcha, past a crowd's worth the hard one.
    perNetwork: [
      { seconds: 600, captchaAt: 5, hardAt: 600 },
      { seconds: DAY, captchaAt: 20, hardAt: 6000 },
    ],
    failedVerifiesPerNetwork: { seconds: HOUR, captchaAt: 10, hardAt: 30 },
    failedVerifiesPerNumber: { seconds: DAY, captchaAt: 5, hardAt: 15 },
    // The design rush (README, "Capacity") is 100,000 people in 5 minutes, most of them already
    // holding a session; 400,000 a day is the cost ceiling (about ¥18,000 at ¥0.045 a message).
    global: {
      dailySends: 400_000,
      shares: { known: 0.3, captcha: 0.5, open: 0.2 },
      counterShards: 64,
    },
    captchaWhenRemaining: 2,
  },
  exemptLoopback: false,
  phoneRecovery: { waitSeconds: DAY },
  tokens: {
    issuer: 'https://api.patient-onboarding.cn',
    audience: 'patient-onboarding-app',
    accessTtlSeconds: 15 * 60,
    refreshIdleSeconds: 7 * DAY,
    refreshAbsoluteSeconds: 30 * DAY,
    reuseGraceSeconds: 10,
  },
  sms: {
    providers: ['aliyun', 'tencent'],
    signName: '患者服务',
    aliyun: {
      endpoint: 'https://dysmsapi.aliyuncs.com/',
      templateCode: 'SMS_000000001',
      noticeTemplates: {
        phone_recovery: 'SMS_000000002',
        identity_linked: 'SMS_000000003',
        incident: 'SMS_000000004',
      },
    },
    tencent: {
      endpoint: 'https://sms.tencentcloudapi.com/',
      region: 'ap-guangzhou',
      sdkAppId: '1400000001',
      templateId: '1000001',
      noticeTemplates: { phone_recovery: '1000002', identity_linked: '1000003', incident: '1000004' },
    },
  },
  captcha: {
    endpoint: 'https://captcha.tencentcloudapi.com/',
    appId: 190000001,
    hardAppId: 190000002,
    widgetUrl: 'https://turing.captcha.qcloud.com/TCaptcha.js',
  },
  trustedHops: [],
};

const identity: IdentityConfig = {
  provider: 'tencent',
  upgradeLegacy: true,
  minAge: 14,
  limits: { perAccountDaily: 5, perIdNumberDaily: 3 },
  tencent: { endpoint: 'https://faceid.tencentcloudapi.com/', region: 'ap-guangzhou' },
  aliyun: { endpoint: 'https://cloudauth.aliyuncs.com/' },
  liveness: {
    provider: 'tencent',
    failover: true,
    tencent: { ruleId: '1' },
    aliyun: { sceneId: '1000000001' },
    redirectUris: [],
    allowLocalOrigin: false,
    limits: { perAccountDaily: 5, perIdNumberDaily: 5, globalDailyStarts: 20_000, globalCounterShards: 16 },
    keepFailedDays: 30,
  },
};

const oauth: OAuthConfig = {
  // The site's redirect URIs and app ids come with its deployment (deploy/<name>.json).
  redirectUris: [],
  allowLocalOrigin: false,
  stateTtlSeconds: 600,
  bindTokenTtlSeconds: 600,
  authorizePerIp: [
    { seconds: 600, max: 30 },
    { seconds: DAY, max: 200 },
  ],
  miniPrograms: {
    wechat: [],
    alipay: [],
    wechatApiBase: 'https://api.weixin.qq.com/',
    alipayGateway: 'https://openapi.alipay.com/gateway.do',
    tokenRefreshAheadSeconds: 300,
    phoneProofSeconds: { wechat: 600, alipay: 90 * DAY },
  },
  providers: {
    wechat: {
      appIds: {},
      authorizeUrl: 'https://open.weixin.qq.com/connect/qrconnect',
      browserAuthorizeUrl: 'https://open.weixin.qq.com/connect/oauth2/authorize',
      apiBase: 'https://api.weixin.qq.com/',
    },
    qq: {
      appIds: {},
      authorizeUrl: 'https://graph.qq.com/oauth2.0/authorize',
      apiBase: 'https://graph.qq.com/',
      appRedirectUri: 'auth://tauth.qq.com/',
    },
    weibo: {
      appIds: {},
      authorizeUrl: 'https://api.weibo.com/oauth2/authorize',
      apiBase: 'https://api.weibo.com/',
      appRedirectUri: 'https://api.weibo.com/oauth2/default.html',
    },
  },
};

const cards: CardsConfig = {
  idempotencySeconds: 24 * HOUR,
  hisLookupsPerAccountDaily: 20,
  registration: { syncTimeoutMs: 2500, maxAttempts: 8, baseDelaySeconds: 5, maxDelaySeconds: 600 },
};

/** Hospital clients come with the deployment (deploy/<name>.json): none until it is applied. */
const hospitalApi: HospitalApiConfig = {
  audience: 'patient-onboarding-hospital-api',
  tokenTtlSeconds: 300,
  tokenRequestsPerMinute: 30,
  failedTokenRequests: { seconds: 600, max: 10 },
  clients: [],
};

/** The hospital's own apps: none until a hospital registers one (with its secret's hash). */
const oidc: OidcConfig = {
  issuer: 'https://api.patient-onboarding.cn',
  issuerIsLocalOrigin: false,
  consentPage: 'https://app.patient-onboarding.cn/oidc/consent',
  requestTtlSeconds: 600,
  codeTtlSeconds: 60,
  accessTtlSeconds: 15 * 60,
  idTokenTtlSeconds: 15 * 60,
  failedClientAuth: { seconds: 600, max: 10 },
  authorizePerIp: [{ seconds: 60, max: 600 }],
  clients: [],
};

const base = {
  privacy,
  identity,
  oauth,
  cards,
  // The site's hospitals come with its deployment (deploy/<name>.json), applied to the table.
  hospitals: [],
  hospitalApi,
  oidc,
  backupRetentionDays: 35,
  deploymentRefreshSeconds: 60,
  // One privacy-jobs run at a time: two deletion runs would release the same cards twice.
  concurrency: {
    default: 10,
    // Sized for the design rush by `npm run capacity` (rate × measured duration, ~25 % headroom).
    perFunction: {
      authorizer: 150,
      auth: 500,
      account: 120,
      cards: 300,
      identity: 130,
      privacyjobs: 1,
      auditverify: 1,
      restoretest: 1,
      // One chain writer per stream shard: a little headroom for shards that split.
      auditchain: 5,
      cardchanges: 5,
    },
  },
  architectures: { 'cn-north-1': 'arm64', 'cn-northwest-1': 'x86_64' },
  waf: {
    // Per address, so sized for one shared address (a NAT, a lobby's Wi-Fi) in the rush: 30 % of
    // 500 sends/s over 50 addresses is 900 per 5 minutes each. What stops abuse is per number.
    ratePerIpPer5Minutes: {
      sendSms: 2000,
      verifySms: 2000,
      verifyIdentity: 400,
      startLiveness: 100,
      hospitalToken: 300,
      submitPrivacyRequest: 50,
    },
    blockedRequestsAlarm: 1000,
  },
  rush: {
    functions: ['auth', 'authorizer'],
    concurrency: 20,
    // Slot release at 08:00 and 15:00 Beijing time (00:00 and 07:00 UTC): warm from 5 minutes before.
    windows: [
      { name: 'Morning', start: 'cron(55 23 * * ? *)', end: 'cron(30 0 * * ? *)' },
      { name: 'Afternoon', start: 'cron(55 6 * * ? *)', end: 'cron(30 7 * * ? *)' },
    ],
  },
  // The design rush is 8,300 requests/s at the peak minute; the account's quota is 10,000 (burst
  // 5,000). Each send costs an SMS and each verification a provider call: those get less headroom.
  throttle: {
    rateLimit: 9000,
    burstLimit: 5000,
    perRoute: {
      sendSms: { rateLimit: 600, burstLimit: 1200 },
      verifyIdentity: { rateLimit: 150, burstLimit: 300 },
      startLiveness: { rateLimit: 100, burstLimit: 200 },
    },
  },
  allowedRegions: ['cn-north-1', 'cn-northwest-1'],
  maxBodyBytes: 16 * 1024,
  dataKeyCache: { capacity: 100, maxAgeMs: 5 * 60_000, maxMessages: 1000 },
  logRetentionDays: 180,
  audit: { maxUnchainedSeconds: 300 },
  restoreTest: { maxRestoreHours: 72, maxBackupAgeHours: 36 },
} as const;

export const stages: Readonly<Record<StageName, StageConfig>> = {
  local: {
    ...base,
    stage: 'local',
    oauth: { ...oauth, allowLocalOrigin: true },
    identity: { ...identity, liveness: { ...identity.liveness, allowLocalOrigin: true } },
    // A card pending at a down HIS is tried again after 2 s, not 5: quicker to watch on one machine.
    cards: { ...cards, registration: { ...cards.registration, baseDelaySeconds: 2 } },
    auth: {
      ...prodAuth,
      exemptLoopback: true,
      // The web session layer runs in the local server and calls the API from 127.0.0.1 only.
      trustedHops: ['127.0.0.1'],
      // The captcha stand-in's widget, served by the local server (same origin as the page).
      captcha: { ...prodAuth.captcha, widgetUrl: '/captcha/TCaptcha.js' },
      sms: { ...prodAuth.sms, providers: ['local'], webOtpHost: '127.0.0.1' },
    },
    oidc: { ...oidc, issuerIsLocalOrigin: true },
    // A deployment applied to a running `npm start` is in force at once.
    deploymentRefreshSeconds: 1,
  },
  /** A deployed test stage: production rules, smaller ceilings so a mistake costs little. */
  dev: {
    ...base,
    stage: 'dev',
    auth: {
      ...prodAuth,
      limits: {
        ...prodAuth.limits,
        global: { ...prodAuth.limits.global, dailySends: 500, counterShards: 4 },
      },
    },
    concurrency: {
      default: 5,
      perFunction: { authorizer: 10, privacyjobs: 1, auditverify: 1, restoretest: 1, auditchain: 2 },
    },
    rush: { functions: [], concurrency: 0, windows: [] },
  },
  prod: {
    ...base,
    stage: 'prod',
    auth: prodAuth,
    warmThroughput: { readUnitsPerSecond: 24_000, writeUnitsPerSecond: 20_000 },
  },
};

export function stageConfig(name: string): StageConfig {
  if (name === 'local' || name === 'dev' || name === 'prod') return stages[name];
  throw new Error(`Unknown stage "${name}"; known stages: ${Object.keys(stages).join(', ')}`);
}

export function isAllowedRegion(config: Pick<StageConfig, 'allowedRegions'>, region: string): boolean {
  return config.allowedRegions.includes(region);
}
