import type { Identity } from '../core/authorizer-context';
import type { LivenessProviderName } from '../core/config';
import { AppError } from '../core/errors';
import { returnAllowed } from '../core/return-address';
import type { Assurance } from '../identity';
import { requireConsent } from '../kernel/consent/consents';
import { newId } from '../kernel/ids';
import { ageOn } from '../kernel/person/id-number';
import { hitAll, shardedDailyWindow } from '../kernel/rate/rate-windows';
import type { LivenessOutcome } from '../providers/liveness/outcomes';
import {
  type LivenessChannel,
  LivenessRefusedError,
  LivenessUnavailableError,
  type StartedCheck,
} from '../providers/liveness/ports';
import { rateScopes } from '../store/keys';
import type { LivenessCheck, LivenessDeps, LivenessSubject } from './liveness-ports';
import { counterAlternative, outcomeProblems, settleOutcome } from './outcome-rules';

/** A person under this age is checked only from a guardian's account, with the guardian's consent. */
const GUARDIAN_AGE = 14;

export interface StartLivenessInput {
  readonly channel: LivenessChannel;
  readonly redirectUrl?: string | undefined;
  readonly metaInfo?: string | undefined;
  /** The hospital asking for the check: its provider is used. */
  readonly hospitalId?: string | undefined;
  /** A child's card: the guardian starts the child's check (with `guardianConsent`). */
  readonly cardId?: string | undefined;
  readonly guardianConsent?: { readonly accepted: boolean; readonly policyVersion: string } | undefined;
}

export interface StartedView {
  readonly livenessId: string;
  readonly provider: LivenessProviderName;
  readonly channel: LivenessChannel;
  readonly url?: string;
  /** For the WeChat mini-program plugin and the app SDKs: Tencent's BizToken, Aliyun's CertifyId. */
  readonly bizToken?: string;
  readonly certifyId?: string;
  readonly expiresAt: string;
}

/**
 * Starts a face check (实人认证) of the account holder, or of a child on one of the account's cards.
 * 1. face information needs its own consent (`face_recognition`), never bundled with another;
 * 2. the subject: the verified account holder, or a child under 14 on the account's card with the
 *    guardian's consent to the current policy (recorded with the start); adults check themselves;
 * 3. the H5 page may only return to a configured address (our landing page, with our check id);
 * 4. cost controls before any paid call: per account and per ID number a day, and a sharded
 *    global ceiling (an alarm at 80%); the counts are given back when no check could start;
 * 5. the provider: the hospital's, else the stage's; if it cannot start, the other one (failover
 *    only before a check begins, never for a check already running);
 * 6. the check is stored with the provider's transaction id sealed, audited in the same write.
 */
export async function startLiveness(
  deps: LivenessDeps,
  who: Identity,
  input: StartLivenessInput,
): Promise<StartedView> {
  const now = deps.clock.now();
  await requireConsent(deps.consents, who.userId, 'face_recognition');
  const { subject, person } = await subjectOf(deps, who, input, now);

  const hospital = input.hospitalId ? deps.hospitals.find((h) => h.id === input.hospitalId) : undefined;
  if (input.hospitalId && !hospital) throw new AppError('hospital_not_found');
  const returnUrl = returnUrlFor(deps, input);

  const checkId = newId(deps.random);
  const limits = deps.config.limits;
  const globalWindow = shardedDailyWindow(
    rateScopes.livenessGlobal,
    limits.globalDailyStarts,
    limits.globalCounterShards,
    deps.random,
  );
  const counted = await hitAll(
    deps.limiter,
    [
      { scope: rateScopes.livenessAccount, key: who.userId, seconds: 86_400, max: limits.perAccountDaily },
      // Per (ID number, account): a stranger who adds a card for someone's child spends only
      // their own attempts for that child, never the guardian's.
      {
        scope: rateScopes.livenessNumber,
        key: who.userId,
        subKey: deps.indexer.token('id-number', person.idNumber),
        seconds: 86_400,
        max: limits.perIdNumberDaily,
      },
      globalWindow,
    ],
    now.getTime(),
  );
  const { giveBack } = counted;
  if (counted.refused) {
    await giveBack();
    const { retryAfter } = counted.refused;
    throw new AppError(
      counted.refused.window === globalWindow ? 'liveness_unavailable' : 'too_many_attempts',
      {
        retryAfter,
      },
    );
  }

  const first = hospital?.livenessProvider ?? deps.config.provider;
  // Aliyun cannot run without the client's device fingerprint: the client's error when it is the
  // provider asked for; as a failover target it is simply skipped.
  if (first === 'aliyun' && !input.metaInfo) {
    await giveBack();
    throw new AppError('liveness_meta_required');
  }
  const second: LivenessProviderName = first === 'tencent' ? 'aliyun' : 'tencent';
  const order: LivenessProviderName[] =
    deps.config.failover && (second !== 'aliyun' || input.metaInfo) ? [first, second] : [first];
  let started: { provider: LivenessProviderName; check: StartedCheck } | undefined;
  let lastError: unknown;
  for (const name of order) {
    try {
      const check = await deps.providers[name].start({
        name: person.name,
        idNumber: person.idNumber,
        channel: input.channel,
        returnUrl: returnUrl ? withCheckId(returnUrl, checkId) : undefined,
        metaInfo: input.metaInfo,
        reference: Buffer.from(checkId, 'base64url').toString('hex'),
      });
      started = { provider: name, check };
      break;
    } catch (error) {
      if (error instanceof LivenessRefusedError) {
        await giveBack();
        throw problemOf(undefined, error.outcome);
      }
      if (!(error instanceof LivenessUnavailableError)) throw error;
      lastError = error;
    }
  }
  if (!started) {
    await giveBack();
    throw new AppError('liveness_unavailable', { cause: lastError, retryAfter: 60 });
  }

  const expiresAt = now.getTime() + started.check.ttlSeconds * 1000;
  const check: LivenessCheck = {
    userId: who.userId,
    checkId,
    provider: started.provider,
    channel: input.channel,
    subject,
    status: 'started',
    createdAt: now.getTime(),
    expiresAt,
    transactionId: started.check.transactionId,
  };
  await deps.store.start(
    check,
    {
      event: 'identity.liveness.started',
      userId: who.userId,
      detail: {
        livenessId: checkId,
        provider: started.provider,
        channel: input.channel,
        subject: subject.kind === 'self' ? 'self' : `card:${subject.cardId}`,
      },
      at: now.getTime(),
    },
    subject.kind === 'card'
      ? {
          userId: who.userId,
          purpose: 'guardian_face_recognition',
          policyVersion: deps.policyVersion,
          accepted: true,
          at: now.getTime(),
          by: 'guardian',
          cardId: subject.cardId,
        }
      : undefined,
  );
  deps.metrics.count('LivenessStarted');
  const sdkToken = input.channel === 'h5' ? undefined : started.check.transactionId;
  return {
    livenessId: checkId,
    provider: started.provider,
    channel: input.channel,
    ...(started.check.url ? { url: started.check.url } : {}),
    ...(sdkToken && started.provider === 'tencent' ? { bizToken: sdkToken } : {}),
    ...(sdkToken && started.provider === 'aliyun' ? { certifyId: sdkToken } : {}),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

export interface PassedView {
  readonly livenessId: string;
  readonly status: 'passed';
  readonly provider: LivenessProviderName;
  readonly similarity: number | null;
  readonly subject: 'self' | 'card';
  readonly assurance: AssuranceView;
}

/**
 * The outcome of a check, pulled from the provider by the server (never taken from the redirect's
 * query string, which anyone can write). The first final outcome is recorded once, with its audit
 * entry and, for a pass, the subject's raised assurance; later calls answer from the record. A
 * check the person has not finished answers 409 until its provider's deadline, then it expires.
 */
export async function livenessResult(
  deps: LivenessDeps,
  who: Identity,
  checkId: string,
): Promise<PassedView> {
  const check = await deps.store.get(who.userId, checkId);
  if (!check || check.provider === 'counter') throw new AppError('liveness_not_found');
  if (check.outcome) return answer(deps, check, check.outcome);

  let found: LivenessOutcome;
  try {
    found = await deps.providers[check.provider].result(check.transactionId);
  } catch (error) {
    if (!(error instanceof LivenessUnavailableError)) throw error;
    throw new AppError('liveness_unavailable', { cause: error, retryAfter: 30 });
  }
  const now = deps.clock.now().getTime();
  const outcome = settleOutcome(found, now, check.expiresAt);
  if (outcome.kind === 'unfinished') throw problemOf(checkId, outcome);
  const recorded = await deps.store.finish(check, outcome, now, {
    event: 'identity.liveness',
    userId: who.userId,
    detail: {
      livenessId: checkId,
      provider: check.provider,
      result: outcome.kind,
      code: outcome.code,
      billed: outcome.billed,
      subject: check.subject.kind === 'self' ? 'self' : `card:${check.subject.cardId}`,
    },
    at: now,
  });
  if (!recorded) {
    // Another request recorded it first: answer as that one did.
    const stored = await deps.store.get(who.userId, checkId);
    if (stored?.outcome) return answer(deps, stored, stored.outcome);
    throw new AppError('liveness_not_found');
  }
  deps.metrics.count(outcome.billed ? 'LivenessBilled' : 'LivenessUnbilled');
  if (outcome.kind === 'passed') deps.metrics.count('LivenessPassed');
  return answer(deps, { ...check, completedAt: now }, outcome);
}

export interface AssuranceView {
  readonly level: Assurance['level'];
  readonly at: string | null;
  readonly method: string | null;
}

export function assuranceView(assurance: Assurance): AssuranceView {
  return {
    level: assurance.level,
    at: assurance.at ? new Date(assurance.at).toISOString() : null,
    method: assurance.method ?? null,
  };
}

/** The problem a failed outcome answers, with the way forward where a face check cannot help. */
function problemOf(checkId: string | undefined, outcome: LivenessOutcome): AppError {
  const kind = outcome.kind === 'passed' ? 'failed' : outcome.kind;
  return new AppError(outcomeProblems[kind], {
    ...(kind === 'retry_limit' ? { retryAfter: 86_400 } : {}),
    ...(kind === 'unfinished' ? { retryAfter: 5 } : {}),
    extensions: {
      ...(checkId ? { livenessId: checkId } : {}),
      ...(counterAlternative.has(kind) ? { alternative: 'counter_attestation' } : {}),
    },
  });
}

async function answer(
  deps: LivenessDeps,
  check: LivenessCheck,
  outcome: LivenessOutcome,
): Promise<PassedView> {
  if (outcome.kind !== 'passed') throw problemOf(check.checkId, outcome);
  const assurance =
    check.subject.kind === 'self'
      ? assuranceView((await deps.identities.status(check.userId)).assurance)
      : {
          level: 'real_person' as const,
          at: new Date(check.completedAt ?? check.createdAt).toISOString(),
          method: check.provider,
        };
  return {
    livenessId: check.checkId,
    status: 'passed',
    provider: check.provider as LivenessProviderName,
    similarity: outcome.similarity ?? null,
    subject: check.subject.kind,
    assurance,
  };
}

/** Who the check is of, with the name and number the provider compares the face against. */
async function subjectOf(
  deps: LivenessDeps,
  who: Identity,
  input: StartLivenessInput,
  now: Date,
): Promise<{ subject: LivenessSubject; person: { name: string; idNumber: string } }> {
  if (!input.cardId) {
    const person = await deps.identities.verifiedIdentity(who.userId);
    if (!person) throw new AppError('real_name_required');
    return { subject: { kind: 'self' }, person: { name: person.name, idNumber: person.idNumber } };
  }
  const card = await deps.card(who.userId, input.cardId);
  if (!card) throw new AppError('card_not_found');
  // Providers compare faces with the photo of a resident identity card only.
  if (card.idType !== '01') {
    throw new AppError('liveness_document_problem', { extensions: { alternative: 'counter_attestation' } });
  }
  if (!card.birthDate || ageOn(card.birthDate, now) >= GUARDIAN_AGE) throw new AppError('liveness_self_only');
  if (
    input.guardianConsent?.accepted !== true ||
    input.guardianConsent.policyVersion !== deps.policyVersion
  ) {
    throw new AppError('guardian_consent_required', { extensions: { policyVersion: deps.policyVersion } });
  }
  return {
    subject: { kind: 'card', cardId: card.cardId },
    person: { name: card.name, idNumber: card.idNumber },
  };
}

/** The H5 page's return address: required for H5, one of the configured ones (or the local origin's). */
function returnUrlFor(deps: LivenessDeps, input: StartLivenessInput): string | undefined {
  if (input.channel !== 'h5') return undefined;
  const url = input.redirectUrl;
  const allowed =
    url !== undefined &&
    returnAllowed(url, {
      exact: deps.config.redirectUris,
      allowLocalOrigin: deps.config.allowLocalOrigin,
      localOrigin: deps.localOrigin,
    });
  if (!allowed) throw new AppError('liveness_redirect_not_allowed');
  return url;
}

function withCheckId(url: string, checkId: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('livenessId', checkId);
  return parsed.toString();
}

/** The account's verification: masked identity and the assurance it holds. */
export async function identityStatus(deps: Pick<LivenessDeps, 'identities'>, who: Identity) {
  const status = await deps.identities.status(who.userId);
  return {
    verified: status.verified,
    nameMasked: status.nameMasked ?? null,
    idNumberMasked: status.idNumberMasked ?? null,
    verifiedAt: status.verifiedAt ? new Date(status.verifiedAt).toISOString() : null,
    assurance: assuranceView(status.assurance),
  };
}
