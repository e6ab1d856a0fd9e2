/**
 * THE key registry: every kind of item the table holds, how its key is built, which of its
 * fields are sealed, which indexes it feeds, and what becomes of it when its account is deleted.
 * Adapters build keys only here (a test fails on a key prefix written anywhere else), and the
 * account eraser is driven by the fates below, so deleting an account follows this file rather
 * than anyone's memory.
 */
import type { ItemKey } from './item-key';

/** What happens to an item of a kind when the account it belongs to is deleted. */
export type Fate =
  /** Deleted by the deletion job. */
  | { readonly kind: 'erase' }
  /**
   * Kept for proof the law asks for, with these attributes removed, until `keepDays` later;
   * marked `storageOnly` (PIPL art. 47: stored, not otherwise processed).
   */
  | {
      readonly kind: 'storage_only';
      readonly keepDays: number;
      readonly strip: readonly string[];
      readonly why: string;
    }
  /** Removed before the job runs, by the step named (the closure transaction, a card's release). */
  | { readonly kind: 'released'; readonly by: string }
  /** Goes by TTL soon and names no account, or not in a way anyone can follow back. */
  | { readonly kind: 'expires'; readonly within: string }
  /** Stays as it is: it is the security log or holds nothing about a person. */
  | { readonly kind: 'kept'; readonly why: string };

/** Where the deletion job finds an account's items of a kind. */
export type Locator =
  /** In the account's own partition, `USER#<id>`, under the kind's sort-key prefix. */
  | 'account_partition'
  /** Under a partition key built from the account id (the kind's `accountPartition`). */
  | 'account_key'
  /** At keys built from the account's phone token. */
  | 'phone'
  /** At the key built from the blind index of the verified name and ID number together. */
  | 'identity_pair'
  | 'none';

export interface ItemKind {
  readonly description: string;
  /** The partition-key prefix (up to and including the first `#`, or the whole key) ... */
  readonly pk: string;
  /** ... and, for kinds sharing a partition, the sort-key prefix that tells them apart. */
  readonly sk?: string;
  readonly sealed: readonly string[];
  readonly indexes?: readonly string[];
  readonly locate: Locator;
  readonly onAccountDeletion: Fate;
}

const USER = 'USER#';
/** A busy day's chain blocks go to this many partitions (see DynamoAuditChain). */
const AUDIT_CHAIN_SPREAD = 16;
/** A hospital's event feed goes to this many partitions. */
const HOSPITAL_FEED_SHARDS = 32;
/** A day's retention marks go to this many `purgeByDay` index partitions. */
export const PURGE_SHARDS = 16;
const iso = (at: number) => new Date(at).toISOString();
/** Consent proof is kept storage-only for the three-year limitation period (Civil Code art. 188). */
export const STORAGE_ONLY_DAYS = 3 * 365;

export const kinds = {
  profile: {
    description: 'The account: its phone token, real-name flag, closing request; the phone sealed',
    pk: USER,
    sk: 'PROFILE',
    sealed: ['phone'],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  session: {
    description: 'A refresh-token family: hashes, times, amr, IP prefix and user agent (access data)',
    pk: USER,
    sk: 'SESSION#',
    sealed: [],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  consent: {
    description: 'An append-only consent record (self or guardian): purpose, version, time, access data',
    pk: USER,
    sk: 'CONSENT#',
    sealed: [],
    indexes: ['purgeByDay'],
    locate: 'account_partition',
    onAccountDeletion: {
      kind: 'storage_only',
      keepDays: STORAGE_ONLY_DAYS,
      strip: ['ipPrefix', 'userAgent', 'purgeDay', 'purgeAt'],
      why: 'Proof of consent for the limitation period (Civil Code art. 188)',
    },
  },
  identity: {
    description: 'The verified identity: masked forms and provider; name, number and birth date sealed',
    pk: USER,
    sk: 'IDENTITY',
    sealed: ['name', 'idNumber', 'birthDate'],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  livenessCheck: {
    description:
      'A real-person check (face liveness, or attested at a hospital counter): provider, channel, subject, status, result code, billed, similarity, times; the provider transaction id and a counter staff id sealed. No image, video or face template is ever stored',
    pk: USER,
    sk: 'LIVENESS#',
    sealed: ['transactionId', 'staffId'],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  link: {
    description:
      "The account's side of a third-party login: provider, blind index; nickname and avatar sealed",
    pk: USER,
    sk: 'IDP#',
    sealed: ['nickname', 'avatarUrl'],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  phoneRecovery: {
    description: 'A pending move to a new number after a lost one; the new number sealed',
    pk: USER,
    sk: 'PHONERECOVERY',
    sealed: ['phone'],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  card: {
    description:
      "A medical card (a binding to a hospital patient), its id derived from the Idempotency-Key: codes, status, body fingerprint, whether the HIS made the patient and how the binding was proven; once proven, the keys of the hospital lookups; name, ID number, phone, birth date, sex, HIS ids and, while awaiting proof, the HIS's mobile on file sealed",
    pk: USER,
    sk: 'CARD#',
    sealed: ['name', 'idNumber', 'phone', 'birthDate', 'sex', 'hisPatientId', 'cardNo', 'phoneOnFile'],
    indexes: ['cardsByHisPatient', 'cardsByHospitalPerson'],
    locate: 'account_partition',
    onAccountDeletion: {
      kind: 'released',
      by: "releaseCard (the HIS is told first), then the eraser's sweep",
    },
  },
  cardsAt: {
    description:
      "The account's cards at a hospital: how many (its limit) and whose (blind indexes of ID numbers)",
    pk: USER,
    sk: 'CARDS#',
    sealed: [],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  requestPointer: {
    description: "The account's pointer to a rights request it made",
    pk: USER,
    sk: 'REQUEST#',
    sealed: [],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  phoneClaim: {
    description: 'One account per phone number: the blind index names the account',
    pk: 'PHONE#',
    sk: 'USER',
    sealed: [],
    locate: 'none',
    onAccountDeletion: {
      kind: 'released',
      by: 'the closure transaction (the number may register again at once)',
    },
  },
  idNumberClaim: {
    description: 'One account per verified ID number',
    pk: 'IDNUM#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'released', by: 'the closure transaction' },
  },
  identityClaim: {
    description: 'One account per third-party identity (unionid, else app id and openid; blind index)',
    pk: 'IDP#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'released', by: 'the closure transaction' },
  },
  challenge: {
    description:
      "A number's live one-time code for a purpose, beside its claim: only the code's HMAC; its time is the resend gate",
    pk: 'PHONE#',
    sk: 'OTP#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: {
      kind: 'expires',
      within: 'five minutes (the closure transaction deletes the login and bind codes at once)',
    },
  },
  rateWindow: {
    description: 'A fixed-window counter; those keyed by an account are erased with it',
    pk: 'RATE#',
    sealed: [],
    locate: 'account_key',
    onAccountDeletion: { kind: 'erase' },
  },
  identityMatch: {
    description: 'A remembered provider match for a (name, ID number) pair (blind index; a year)',
    pk: 'IDMATCH#',
    sealed: [],
    locate: 'identity_pair',
    onAccountDeletion: { kind: 'erase' },
  },
  hospitalEvent: {
    description: "A card event in the hospital's pull feed: ids and codes only (7 days)",
    pk: 'HOSPITAL#',
    sk: 'EVENT#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'seven days' },
  },
  webhookDeadLetter: {
    description: 'A card event no webhook attempt delivered: ids and codes only (30 days)',
    pk: 'WEBHOOKDEAD#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'thirty days' },
  },
  oauthState: {
    description: 'A one-time OAuth state, hashed (10 minutes)',
    pk: 'OAUTHSTATE#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'an hour' },
  },
  clientAssertion: {
    description:
      "A hospital client's signed assertion seen once, by a hash of its client and jti: a captured one cannot be replayed (until it expires, at most five minutes)",
    pk: 'ASSERTION#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'Names a hospital client, never a person' },
  },
  oidcRequest: {
    description:
      "An OpenID client's authorization request waiting for the person: client, redirect URI, scopes, PKCE challenge; the client's state and nonce sealed (ten minutes)",
    pk: 'OIDCREQ#',
    sealed: ['state', 'nonce'],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'an hour' },
  },
  oidcCode: {
    description:
      'An authorization code, by hash: the account, session and grant it stands for; the nonce sealed (one minute, kept an hour to catch a replay)',
    pk: 'OIDCCODE#',
    sealed: ['nonce'],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'an hour' },
  },
  oidcGrant: {
    description:
      "What an OpenID client's tokens stand for: account, client, session, scopes, assurance, revocation (until the tokens end)",
    pk: 'OIDCGRANT#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'a day' },
  },
  bindToken: {
    description: "A phone-binding token, hashed, with the provider's profile sealed (10 minutes)",
    pk: 'BIND#',
    sealed: ['profile'],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'an hour' },
  },
  attestationCode: {
    description:
      'A counter attestation code, by keyed hash: the account (and card) it stands for, the hospital whose staff may redeem it (ten minutes)',
    pk: 'ATTESTCODE#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'ten minutes' },
  },
  phoneProof: {
    description:
      "A mini-program's phone proof seen once (WeChat phone code, Alipay phone payload), by keyed hash, with the platform identity's blind index that used it: a captured proof cannot be replayed with someone else's login",
    pk: 'MPPROOF#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'expires', within: 'ninety days (WeChat codes: ten minutes)' },
  },
  rightsRequest: {
    description: 'A rights request: kind, status, due date; its contact sealed',
    pk: 'REQUEST#',
    sealed: ['phone', 'name', 'details', 'subjectName', 'subjectPhone'],
    locate: 'none',
    onAccountDeletion: {
      kind: 'kept',
      why: 'Proof the request was carried out: storage-only with a TTL once completed',
    },
  },
  requestQueue: {
    description: "The operators' queue of open rights requests, by due date (ids and kinds only)",
    pk: 'REQUESTQUEUE',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'released', by: 'the request completing' },
  },
  auditEntry: {
    description: 'An audit entry: event, ids, codes, its keyed MAC (3 years)',
    pk: 'AUDIT#',
    sealed: [],
    indexes: ['auditByUser'],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'The security log (Cybersecurity Law art. 21, PIPL art. 54)' },
  },
  auditBlock: {
    description: 'A block of the audit chain: the entries one stream batch brought, in order, and its link',
    pk: 'AUDITCHAIN#',
    sk: 'BLOCK#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'Part of the security log' },
  },
  auditChainHead: {
    description: "The newest block of a day's audit chain",
    pk: 'AUDITCHAIN#',
    sk: 'HEAD',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'Part of the security log' },
  },
  platformToken: {
    description:
      "A mini-program platform's access token (WeChat stable_token), shared by every function: its expiry and the refresh lease; the token sealed",
    pk: 'PLATFORMTOKEN#',
    sealed: ['accessToken'],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the app, not to a person' },
  },
  signingKey: {
    description:
      "An epoch's token signing key, shared by every instance: its public half, the root's certificate, the private half sealed",
    pk: 'SIGNINGKEY',
    sk: 'EPOCH#',
    sealed: ['privateJwk'],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the service, not to a person' },
  },
  signingKeyClaim: {
    description: "Who is making an epoch's signing key, until when (one root signature an epoch)",
    pk: 'SIGNINGKEY',
    sk: 'CLAIM#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the service, not to a person' },
  },
  publishedKey: {
    description: "An epoch's public signing key as the JWKS publishes it (read without opening anything)",
    pk: 'SIGNINGKEY',
    sk: 'PUBLIC#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the service, not to a person' },
  },
  deployment: {
    description:
      "The site's deployment (hospitals, their clients, app ids), the one in force and each one applied",
    pk: 'DEPLOYMENT',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the service, not to a person' },
  },
  incident: {
    description:
      "A security incident: the operator's brief (written for the people told and the regulator, no personal data), its grade, cause, window, counts by information kind, and each step's time",
    pk: 'INCIDENT#',
    sk: 'INCIDENT',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'It belongs to the service: counts and ids, no person' },
  },
  incidentAffected: {
    description:
      'A person an incident reached (their account id, the kinds of information, when told and by which way)',
    pk: 'INCIDENT#',
    sk: 'AFFECTED#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: {
      kind: 'kept',
      why: 'Proof each affected person was told (PIPL art. 57): an account id and kind codes only, no contact',
    },
  },
  openIncident: {
    description: 'The incidents not yet closed (ids only): what the report clock and the notice SMS read',
    pk: 'OPENINCIDENTS',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'Holds nothing about a person' },
  },
  notice: {
    description:
      "A notice in the person's inbox (an incident's, PIPL art. 57), as it was sent, in both languages",
    pk: USER,
    sk: 'NOTICE#',
    sealed: [],
    locate: 'account_partition',
    onAccountDeletion: { kind: 'erase' },
  },
  jobWatermark: {
    description: 'Where a scheduled job got to',
    pk: 'JOB#',
    sealed: [],
    locate: 'none',
    onAccountDeletion: { kind: 'kept', why: 'Holds nothing about a person' },
  },
} as const satisfies Record<string, ItemKind>;

export type KindName = keyof typeof kinds;

/** The kind an item belongs to, by its key (the most specific prefix wins), or undefined. */
export function kindOf(key: ItemKey): KindName | undefined {
  let best: { name: KindName; score: number } | undefined;
  for (const [name, kind] of Object.entries(kinds) as [KindName, ItemKind][]) {
    const pkMatches = kind.pk.endsWith('#') ? key.pk.startsWith(kind.pk) : key.pk === kind.pk;
    if (!pkMatches) continue;
    if (kind.sk !== undefined && !key.sk.startsWith(kind.sk)) continue;
    const score = kind.pk.length + (kind.sk?.length ?? 0);
    if (!best || score > best.score) best = { name, score };
  }
  return best?.name;
}

/** Every purpose a one-time code is sent for: a number's live challenges are found by these. */
export const OTP_PURPOSES = ['login', 'bind', 'step_up', 'privacy_request', 'card_proof'] as const;

/**
 * Rate-limit scopes (`RATE#<scope>#<key>`): one partition per scope and key, each window length
 * apart by its sort key.
 */
export const rateScopes = {
  smsNumber: 'sms-number',
  /** Sends and failed verifies per network (IP prefix): signals that raise the bar, never refuse. */
  smsNetwork: 'sms-ip',
  verifyFailNetwork: 'verify-fail-ip',
  /** The day's SMS ceiling, one scope per share (`sms-global-known`, …), each sharded. */
  smsGlobal: 'sms-global',
  /** Failed verifies per number from every network. */
  verifyFailNumberAll: 'verify-fail-number',
  oauthStartIp: 'oauth-start',
  /** Real-name checks per account, and per (ID number, account): keyed by the account. */
  verificationAccount: 'idv-account',
  verificationNumber: 'idv-number',
  privacyRequestNumber: 'privacy-request-number',
  privacyRequestIp: 'privacy-request-ip',
  privacyRequestAccount: 'privacy-request-account',
  /** Face checks started per account, per (ID number, account) and by everyone (sharded). */
  livenessAccount: 'liveness-account',
  livenessNumber: 'liveness-number',
  livenessGlobal: 'liveness-global',
  /** New cards per account per day (each asks a HIS about a person): keyed by the account. */
  cardHisLookups: 'card-his-lookups',
  /** Counter attestation codes issued per account per day: keyed by the account. */
  attestationCodes: 'attestation-codes',
  /** Attestation codes that staff entered and did not match, per hospital client. */
  attestationFailures: 'attestation-fail',
  hospitalToken: 'hospital-token',
  /** OpenID authorization requests started per network (each writes an item). */
  oidcAuthorizeIp: 'oidc-authorize-ip',
  /** Failed OpenID client authentications per (client id, network). */
  oidcClientFailures: 'oidc-client-fail',
  hospitalTokenFailures: 'hospital-token-fail',
} as const;

/** Rate-limit scopes keyed by the account id: the eraser deletes their counters. */
export const ACCOUNT_RATE_SCOPES = [
  rateScopes.verificationAccount,
  rateScopes.verificationNumber,
  rateScopes.privacyRequestAccount,
  rateScopes.livenessAccount,
  rateScopes.livenessNumber,
  rateScopes.cardHisLookups,
  rateScopes.attestationCodes,
] as const;

/** What the deletion job knows of an account: enough to find every item of it. */
export interface AccountFacts {
  readonly userId: string;
  readonly phoneToken: string;
  /** The blind index of the verified name and ID number together, if verified. */
  readonly pairToken?: string | undefined;
}

/**
 * For each kind found outside the account's partition (`locate` other than
 * `account_partition` or `none`): the keys, or whole partitions, that hold an account's items.
 */
export const accountItemsElsewhere: Readonly<
  Partial<Record<KindName, (account: AccountFacts) => { keys?: ItemKey[]; partitions?: string[] }>>
> = {
  identityMatch: (a) => ({ keys: a.pairToken ? [keys.identityMatch(a.pairToken)] : [] }),
  // Counters keyed by the account only: those keyed by a number or an ID number stay until their
  // TTL, or deleting an account would reset the limits that guard against SMS pumping.
  rateWindow: (a) => ({
    partitions: ACCOUNT_RATE_SCOPES.map((scope) => keys.ratePartition(scope, a.userId)),
  }),
};

/** Key builders, one per kind: the only place keys are written. */
export const keys = {
  accountPartition: (userId: string) => `${USER}${userId}`,
  profile: (userId: string): ItemKey => ({ pk: `${USER}${userId}`, sk: 'PROFILE' }),
  session: (userId: string, familyId: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `SESSION#${familyId}`,
  }),
  sessionPrefix: 'SESSION#',
  consent: (userId: string, purpose: string, at: number, qualifier?: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `CONSENT#${purpose}#${iso(at)}${qualifier ? `#${qualifier}` : ''}`,
  }),
  consentPrefix: 'CONSENT#',
  /** A purpose's entries; the newest is its current state. */
  consentPurposePrefix: (purpose: string) => `CONSENT#${purpose}#`,
  identity: (userId: string): ItemKey => ({ pk: `${USER}${userId}`, sk: 'IDENTITY' }),
  livenessCheck: (userId: string, checkId: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `LIVENESS#${checkId}`,
  }),
  livenessCheckPrefix: 'LIVENESS#',
  link: (userId: string, provider: string): ItemKey => ({ pk: `${USER}${userId}`, sk: `IDP#${provider}` }),
  linkPrefix: 'IDP#',
  phoneRecovery: (userId: string): ItemKey => ({ pk: `${USER}${userId}`, sk: 'PHONERECOVERY' }),
  card: (userId: string, cardId: string): ItemKey => ({ pk: `${USER}${userId}`, sk: `CARD#${cardId}` }),
  cardPrefix: 'CARD#',
  cardsAt: (userId: string, hospitalId: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `CARDS#${hospitalId}`,
  }),
  requestPointer: (userId: string, requestId: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `REQUEST#${requestId}`,
  }),
  requestPointerPrefix: 'REQUEST#',
  phoneClaim: (phoneToken: string): ItemKey => ({ pk: `PHONE#${phoneToken}`, sk: 'USER' }),
  idNumberClaim: (idToken: string): ItemKey => ({ pk: `IDNUM#${idToken}`, sk: 'VERIFIED' }),
  identityClaim: (provider: string, identityToken: string): ItemKey => ({
    pk: `IDP#${provider}#${identityToken}`,
    sk: 'USER',
  }),
  /** Everything about a number lives in its partition: claim and challenges (one read). */
  phonePartition: (phoneToken: string) => `PHONE#${phoneToken}`,
  challenge: (phoneToken: string, purpose: string): ItemKey => ({
    pk: `PHONE#${phoneToken}`,
    sk: `OTP#${purpose}`,
  }),
  challengePrefix: 'OTP#',
  /** `subKey` and the window length share the partition of (scope, key), apart from each other. */
  rateWindow: (scope: string, key: string, seconds: number, start: number, subKey?: string): ItemKey => ({
    pk: `RATE#${scope}#${key}`,
    sk: `${subKey === undefined ? '' : `${subKey}#`}${seconds}#${start}`,
  }),
  ratePartition: (scope: string, key: string) => `RATE#${scope}#${key}`,
  identityMatch: (pairToken: string): ItemKey => ({ pk: `IDMATCH#${pairToken}`, sk: 'MATCH' }),
  /** The `cardsByHisPatient` index's key of an active card: a hospital finds it by its patient id. */
  hisPatientIndexKey: (hospitalId: string, patientToken: string) => `${hospitalId}#${patientToken}`,
  /** The `cardsByHospitalPerson` index's key of an active card: a hospital finds it by ID number. */
  hospitalPersonIndexKey: (hospitalId: string, personToken: string) => `${hospitalId}#${personToken}`,
  /** The account and card a card item's key names. */
  cardOf: (key: ItemKey) => ({ userId: key.pk.slice(USER.length), cardId: key.sk.slice('CARD#'.length) }),
  /** A hospital's pull feed, spread over this many partitions. */
  hospitalFeedShards: HOSPITAL_FEED_SHARDS,
  hospitalFeedPartitions: (hospitalId: string) =>
    Array.from({ length: HOSPITAL_FEED_SHARDS }, (_, n) => `HOSPITAL#${hospitalId}#${n}`),
  hospitalEvent: (hospitalId: string, shard: number, cursor: string): ItemKey => ({
    pk: `HOSPITAL#${hospitalId}#${shard}`,
    sk: `EVENT#${cursor}`,
  }),
  hospitalEventPrefix: 'EVENT#',
  webhookDeadLetter: (hospitalId: string, at: number, eventId: string): ItemKey => ({
    pk: `WEBHOOKDEAD#${hospitalId}`,
    sk: `${iso(at)}#${eventId}`,
  }),
  oauthState: (stateHash: string): ItemKey => ({ pk: `OAUTHSTATE#${stateHash}`, sk: 'STATE' }),
  bindToken: (tokenHash: string): ItemKey => ({ pk: `BIND#${tokenHash}`, sk: 'BIND' }),
  clientAssertion: (assertionHash: string): ItemKey => ({ pk: `ASSERTION#${assertionHash}`, sk: 'SEEN' }),
  oidcRequest: (requestId: string): ItemKey => ({ pk: `OIDCREQ#${requestId}`, sk: 'REQUEST' }),
  oidcCode: (codeHash: string): ItemKey => ({ pk: `OIDCCODE#${codeHash}`, sk: 'CODE' }),
  oidcGrant: (grantId: string): ItemKey => ({ pk: `OIDCGRANT#${grantId}`, sk: 'GRANT' }),
  phoneProof: (proofToken: string): ItemKey => ({ pk: `MPPROOF#${proofToken}`, sk: 'PROOF' }),
  attestationCode: (codeToken: string): ItemKey => ({ pk: `ATTESTCODE#${codeToken}`, sk: 'CODE' }),
  rightsRequest: (requestId: string): ItemKey => ({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
  requestQueue: (dueAt: number, requestId: string): ItemKey => ({
    pk: 'REQUESTQUEUE',
    sk: `${iso(dueAt)}#${requestId}`,
  }),
  requestQueuePartition: 'REQUESTQUEUE',
  auditPartition: (day: string, shard: number) => `AUDIT#${day}#${shard}`,
  auditEntry: (day: string, shard: number, at: number, id: string): ItemKey => ({
    pk: `AUDIT#${day}#${shard}`,
    sk: `${iso(at)}#${id}`,
  }),
  /** A day's chain blocks, spread over this many partitions by sequence number. */
  auditChainPartitions: (day: string) =>
    Array.from({ length: AUDIT_CHAIN_SPREAD }, (_, n) => `AUDITCHAIN#${day}#${n}`),
  auditChainBlock: (day: string, seq: number): ItemKey => ({
    pk: `AUDITCHAIN#${day}#${seq % AUDIT_CHAIN_SPREAD}`,
    sk: `BLOCK#${String(seq).padStart(10, '0')}`,
  }),
  auditChainSeqOf: (sk: string) => Number(sk.slice('BLOCK#'.length)),
  auditChainHead: (day: string): ItemKey => ({ pk: `AUDITCHAIN#${day}`, sk: 'HEAD' }),
  /** The sparse `auditByUser` index's partition for an account. */
  auditUser: (userId: string) => `${USER}${userId}`,
  jobWatermark: (job: string): ItemKey => ({ pk: `JOB#${job}`, sk: 'WATERMARK' }),
  incident: (incidentId: string): ItemKey => ({ pk: `INCIDENT#${incidentId}`, sk: 'INCIDENT' }),
  incidentPartition: (incidentId: string) => `INCIDENT#${incidentId}`,
  incidentAffected: (incidentId: string, userId: string): ItemKey => ({
    pk: `INCIDENT#${incidentId}`,
    sk: `AFFECTED#${userId}`,
  }),
  incidentAffectedPrefix: 'AFFECTED#',
  openIncident: (openedAt: number, incidentId: string): ItemKey => ({
    pk: 'OPENINCIDENTS',
    sk: `${iso(openedAt)}#${incidentId}`,
  }),
  openIncidentsPartition: 'OPENINCIDENTS',
  notice: (userId: string, at: number, noticeId: string): ItemKey => ({
    pk: `${USER}${userId}`,
    sk: `NOTICE#${iso(at)}#${noticeId}`,
  }),
  noticePrefix: 'NOTICE#',
  /** The deployment in force, and each one ever applied (by version). */
  deploymentCurrent: { pk: 'DEPLOYMENT', sk: 'CURRENT' } as ItemKey,
  deploymentVersion: (version: number): ItemKey => ({
    pk: 'DEPLOYMENT',
    sk: `V#${String(version).padStart(10, '0')}`,
  }),
  /** Per root (its kid) and epoch, zero-padded: each root's keys sort by time. */
  signingKey: (epoch: number, root: string): ItemKey => ({
    pk: 'SIGNINGKEY',
    sk: `EPOCH#${root}#${String(epoch).padStart(8, '0')}`,
  }),
  publishedKey: (epoch: number, root: string): ItemKey => ({
    pk: 'SIGNINGKEY',
    sk: `PUBLIC#${root}#${String(epoch).padStart(8, '0')}`,
  }),
  signingKeyClaim: (epoch: number, root: string): ItemKey => ({
    pk: 'SIGNINGKEY',
    sk: `CLAIM#${root}#${String(epoch).padStart(8, '0')}`,
  }),
  signingKeyPartition: 'SIGNINGKEY',
  publishedKeyPrefix: 'PUBLIC#',
  platformToken: (platform: string, appId: string): ItemKey => ({
    pk: `PLATFORMTOKEN#${platform}#${appId}`,
    sk: 'TOKEN',
  }),
  /** The `purgeByDay` index partition of a day's marks: one of PURGE_SHARDS. */
  purgeDay: (day: string, shard: number) => `${day}#${shard}`,
  purgeDays: (day: string) => Array.from({ length: PURGE_SHARDS }, (_, shard) => `${day}#${shard}`),
  /** A key no item ever has: the health probe reads it. */
  probe: { pk: 'JOB#health', sk: 'PROBE' } as ItemKey,
} as const;
