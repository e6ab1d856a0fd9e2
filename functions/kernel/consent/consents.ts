import type { Identity } from '../../core/authorizer-context';
import type { Clock } from '../../core/clock';
import type { PolicyVersion, PrivacyConfig, SeparatePurpose } from '../../core/config';
import { AppError } from '../../core/errors';
import type { AuditEvent } from '../audit/ports';

/** What a person consents to on its own: a separate purpose, or the policy itself. */
export type ConsentPurpose = SeparatePurpose | 'privacy_policy';

export interface ConsentEntry {
  readonly userId: string;
  /** A consent purpose, a purpose the policy covers (`account`), or `guardian_minor`. */
  readonly purpose: string;
  readonly policyVersion: string;
  readonly accepted: boolean;
  readonly at: number;
  /** Access data: removed by the retention job 30 days after `at`. */
  readonly ipPrefix?: string;
  readonly userAgent?: string;
  readonly by: 'self' | 'guardian';
  /** A guardian's consent names the card of the child it was given for. */
  readonly cardId?: string;
  /**
   * Registration's acceptance names its session instead of copying the access data: the session
   * holds the IP prefix and user agent for as long as access data is kept (30 days).
   */
  readonly sessionId?: string;
  /** Accepting a policy version: the purposes it covers; sharing with an app: the scopes shared. */
  readonly covers?: readonly string[];
  /** `app_sharing`: the app (an OpenID client id) the information is given to (PIPL art. 23). */
  readonly recipient?: string;
}

/** Port: the append-only consent ledger; a purpose's current state is its newest entry. */
export interface ConsentStore {
  /** Appends the entry with its audit entry, in one transaction. */
  record(entry: ConsentEntry, audit: AuditEvent): Promise<void>;
  current(
    userId: string,
    purpose: ConsentPurpose,
  ): Promise<{ accepted: boolean; policyVersion: string } | undefined>;
  history(userId: string): Promise<ConsentEntry[]>;
  /** The newest `app_sharing` entry for one app: whether the person shares with it now, and what. */
  sharing(userId: string, recipient: string): Promise<ConsentEntry | undefined>;
}

/** The purpose of giving personal information to another processor's app (PIPL art. 23). */
export const APP_SHARING = 'app_sharing';

export interface ConsentDeps {
  readonly config: PrivacyConfig;
  readonly clock: Clock;
  readonly store: ConsentStore;
}

export function currentPolicy(config: PrivacyConfig): PolicyVersion {
  return config.policies[config.policies.length - 1] as PolicyVersion;
}

/**
 * Gives or withdraws consent for one purpose under the current policy version; withdrawal
 * (`accepted: false`) takes effect at once, since features check the current state on every use.
 * Accepting `privacy_policy` is accepting a new policy version.
 */
export async function recordConsent(
  deps: ConsentDeps,
  who: Identity,
  input: { purpose: ConsentPurpose; policyVersion: string; accepted: boolean },
  client: { ipPrefix: string; userAgent: string },
): Promise<ConsentEntry> {
  const policy = currentPolicy(deps.config);
  if (input.policyVersion !== policy.version) {
    throw new AppError('policy_version_outdated', { extensions: { policyVersion: policy.version } });
  }
  const entry: ConsentEntry = {
    userId: who.userId,
    purpose: input.purpose,
    policyVersion: policy.version,
    accepted: input.accepted,
    at: deps.clock.now().getTime(),
    ipPrefix: client.ipPrefix,
    userAgent: client.userAgent.slice(0, 256),
    by: 'self',
  };
  await deps.store.record(entry, {
    event: 'consent.changed',
    userId: who.userId,
    detail: { purpose: entry.purpose, accepted: entry.accepted, policyVersion: entry.policyVersion },
    at: entry.at,
  });
  return entry;
}

export function consentView(entry: ConsentEntry) {
  return {
    purpose: entry.purpose,
    policyVersion: entry.policyVersion,
    accepted: entry.accepted,
    at: new Date(entry.at).toISOString(),
    by: entry.by,
    ipPrefix: entry.ipPrefix ?? null,
    userAgent: entry.userAgent ?? null,
    covers: entry.covers ? [...entry.covers] : null,
    recipient: entry.recipient ?? null,
  };
}

/** Features call this before using data for a purpose that needs separate consent. */
export async function requireConsent(
  store: Pick<ConsentStore, 'current'>,
  userId: string,
  purpose: SeparatePurpose,
): Promise<void> {
  const state = await store.current(userId, purpose);
  if (state?.accepted !== true) throw new AppError('consent_required', { extensions: { purpose } });
}

/** What accepting the privacy policy at registration records. */
export interface PolicyAcceptance {
  readonly policyVersion: string;
  /** What the policy itself covers (registration): one consent record each. */
  readonly purposes: readonly string[];
  readonly at: number;
  readonly ipPrefix: string;
  readonly userAgent: string;
}
