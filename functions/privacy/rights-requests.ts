import type { AuthDeps, CodeUse, OAuthStore } from '../auth';
import { type CodeCaller, checkCode, codeUse } from '../auth';
import type { Identity } from '../core/authorizer-context';
import type { Clock } from '../core/clock';
import type { PrivacyConfig, RateWindow } from '../core/config';
import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import { type PageQuery, pageOf, timeKey } from '../core/pagination';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { RateLimiter } from '../kernel/rate/ports';
import { rateScopes } from '../store/keys';
import { calendarCovers, dueAfterWorkingDays } from './working-days';

/**
 * `account_deletion` runs by itself; the others need a person: a deceased user's relative (PIPL
 * art. 49), a lost account, an objection to a processing (art. 44), anything else.
 */
export const requestKinds = [
  'account_deletion',
  'deceased_relative',
  'cannot_log_in',
  'objection',
  'other',
] as const;
export type RequestKind = (typeof requestKinds)[number];
export const requestStatuses = ['received', 'completed'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** Who asked and about whom: sealed, only for requests a person handles. */
export interface RequestContact {
  readonly phone: string;
  readonly name: string;
  readonly details: string;
  readonly subjectName?: string | undefined;
  readonly subjectPhone?: string | undefined;
}

export interface RightsRequest {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly status: RequestStatus;
  readonly receivedAt: number;
  readonly dueAt: number;
  readonly completedAt?: number | undefined;
  /** The account it concerns, when it came from a signed-in person. */
  readonly userId?: string | undefined;
  /** Failed runs of an automated request, and the last reason (a code, never data). */
  readonly attempts: number;
  readonly lastError?: string | undefined;
  readonly contact?: RequestContact | undefined;
}

/** An open request as the operators' queue holds it: enough to sort, filter and count. */
export type QueuedRequest = Pick<RightsRequest, 'requestId' | 'kind' | 'receivedAt' | 'dueAt'>;

/** The claims that let someone reach the account: removed the moment closure is requested. */
export interface AccountClaims {
  readonly userId: string;
  readonly phoneToken: string;
  readonly idNumberToken?: string | undefined;
  readonly identities: readonly { readonly provider: string; readonly identityToken: string }[];
}

/** Port: rights requests, the user's list of them and the operators' queue of open ones. */
export interface RightsRequestStore {
  /**
   * In one transaction: the request, the user's pointer, the queue entry, the account marked as
   * closing (refused if it already is) and its phone, ID-number and login claims removed.
   */
  openAccountDeletion(
    request: RightsRequest,
    claims: AccountClaims,
    also: { readonly audit: AuditEvent; readonly code: CodeUse },
  ): Promise<'opened' | 'already_closing' | 'code_used'>;
  /**
   * A request a person handles: the request, its queue entry and, with a `userId`, the user's
   * pointer, with its audit entry (and the use of the code that proved the contact number).
   */
  submit(
    request: RightsRequest,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'submitted' | 'code_used'>;
  get(requestId: string): Promise<RightsRequest | undefined>;
  listForUser(userId: string): Promise<RightsRequest[]>;
  /** Open requests, earliest due first, from the queue alone (no read of each request). */
  listOpen(): Promise<QueuedRequest[]>;
  recordFailure(requestId: string, reason: string): Promise<void>;
  /** Marks it completed and leaves the queue; the record stays storage-only until `keepUntil`. */
  complete(requestId: string, now: number, keepUntil: number, audit?: AuditEvent): Promise<void>;
}

export interface RightsRequestDeps {
  readonly config: PrivacyConfig;
  readonly clock: Clock;
  readonly requests: RightsRequestStore;
  readonly audit: AuditLog;
  readonly limiter: RateLimiter;
  /** Codes (step-up and contact verification), sessions, links. */
  readonly auth: AuthDeps;
  readonly identityClaim: (userId: string) => Promise<string | undefined>;
  /** The account's third-party logins, whose claims closure removes. */
  readonly links: Pick<OAuthStore, 'listLinks'>;
  readonly newId: () => string;
}

export function requestView(request: RightsRequest) {
  return {
    requestId: request.requestId,
    kind: request.kind,
    status: request.status,
    receivedAt: new Date(request.receivedAt).toISOString(),
    dueAt: new Date(request.dueAt).toISOString(),
    completedAt: request.completedAt === undefined ? null : new Date(request.completedAt).toISOString(),
  };
}

const REQUEST_SCOPES = {
  number: rateScopes.privacyRequestNumber,
  ip: rateScopes.privacyRequestIp,
  account: rateScopes.privacyRequestAccount,
} as const;

/** Counts a request in each window of a limit (conditional counters); 429 when one is full. */
async function countRequest(
  deps: Pick<RightsRequestDeps, 'limiter'>,
  by: 'number' | 'ip' | 'account',
  key: string,
  windows: readonly RateWindow[],
  now: number,
): Promise<void> {
  for (const w of windows) {
    const hit = await deps.limiter.hit({ scope: REQUEST_SCOPES[by], key, ...w }, now);
    if (!hit.allowed) throw new AppError('rate_limited', { retryAfter: hit.retryAfter });
  }
}

function dueAt(deps: RightsRequestDeps, receivedAt: number): number {
  const due = dueAfterWorkingDays(receivedAt, deps.config.requestDueWorkingDays, deps.config.calendar);
  if (!calendarCovers(deps.config.calendar, receivedAt, due)) {
    // Counted with weekends only: the holidays may make it later, so staff must not rely on it.
    logger.warn('holiday calendar does not cover this due date: add the State Council notice', {
      due: new Date(due).toISOString(),
    });
  }
  return due;
}

/**
 * Account closure and deletion (PIPL art. 47), proven with a step-up code to the account's number.
 * At once, in one transaction: the request is recorded and the phone, ID-number and third-party
 * login claims are removed, so nobody can reach the account again and the number can register
 * afresh; then every session is revoked. The rest (each HIS told to unbind, the items deleted) is
 * the deletion job's, within minutes.
 */
export async function requestAccountDeletion(
  deps: RightsRequestDeps,
  who: Identity,
  input: { challengeId: string; phone: string; code: string },
  client: CodeCaller,
) {
  const { auth } = deps;
  const user = await auth.accounts.getUser(who.userId);
  if (!user) throw new AppError('unauthorized');
  const checked = await checkCode(auth, { ...input, purpose: 'step_up' }, client);
  if (checked.phoneToken !== user.phoneToken) throw new AppError('step_up_required');

  const [links, idNumberToken] = await Promise.all([
    deps.links.listLinks(user.userId),
    deps.identityClaim(user.userId),
  ]);
  const now = deps.clock.now().getTime();
  const request: RightsRequest = {
    requestId: deps.newId(),
    kind: 'account_deletion',
    status: 'received',
    receivedAt: now,
    dueAt: dueAt(deps, now),
    userId: user.userId,
    attempts: 0,
  };
  const outcome = await deps.requests.openAccountDeletion(
    request,
    {
      userId: user.userId,
      phoneToken: user.phoneToken,
      idNumberToken,
      identities: links.map((l) => ({ provider: l.provider, identityToken: l.identityToken })),
    },
    {
      code: codeUse(auth, checked),
      audit: {
        event: 'privacy.deletion_requested',
        userId: user.userId,
        sessionId: who.sessionId,
        detail: { requestId: request.requestId },
        at: now,
      },
    },
  );
  if (outcome === 'already_closing') throw new AppError('deletion_in_progress');
  if (outcome === 'code_used') throw new AppError('otp_invalid');

  const sessions = await auth.sessions.listSessions(user.userId);
  await Promise.all(
    sessions
      .filter((s) => s.revokedAt === undefined)
      .map((s) =>
        auth.sessions.revokeSession(user.userId, s.familyId, {
          event: 'session.revoked',
          userId: user.userId,
          sessionId: s.familyId,
          detail: { reason: 'account_deletion' },
          at: now,
        }),
      ),
  );
  return requestView(request);
}

/**
 * A rights request that needs a person: a close relative of a deceased user (PIPL art. 49), a
 * user who cannot log in, anything else. The contact number is proven by an SMS code (purpose
 * `privacy_request`); requests per number and per IP prefix are limited.
 */
export async function submitRightsRequest(
  deps: RightsRequestDeps,
  input: {
    kind: 'deceased_relative' | 'cannot_log_in' | 'objection' | 'other';
    phone: string;
    challengeId: string;
    code: string;
    name: string;
    details: string;
    subjectName?: string | undefined;
    subjectPhone?: string | undefined;
  },
  client: CodeCaller,
) {
  const now = deps.clock.now().getTime();
  const checked = await checkCode(
    deps.auth,
    { challengeId: input.challengeId, phone: input.phone, code: input.code, purpose: 'privacy_request' },
    client,
  );
  const { perNumber, perIp } = deps.config.requestLimits;
  await countRequest(deps, 'number', checked.phoneToken, perNumber, now);
  await countRequest(deps, 'ip', client.ipPrefix, perIp, now);

  const request: RightsRequest = {
    requestId: deps.newId(),
    kind: input.kind,
    status: 'received',
    receivedAt: now,
    dueAt: dueAt(deps, now),
    attempts: 0,
    contact: {
      phone: checked.phone.e164,
      name: input.name,
      details: input.details,
      subjectName: input.subjectName,
      subjectPhone: input.subjectPhone,
    },
  };
  const submitted = await deps.requests.submit(request, {
    code: codeUse(deps.auth, checked),
    audit: {
      event: 'privacy.request_received',
      detail: { requestId: request.requestId, kind: request.kind },
      at: now,
    },
  });
  if (submitted === 'code_used') throw new AppError('otp_invalid');
  return requestView(request);
}

/**
 * A signed-in person's request that needs a person (an objection, anything the API cannot do):
 * the account's number is the contact, so no code is needed; shown in `GET /v1/me/requests`.
 */
export async function submitMyRequest(
  deps: RightsRequestDeps,
  who: Identity,
  input: { kind: 'objection' | 'other'; details: string },
) {
  const user = await deps.auth.accounts.getUser(who.userId);
  if (!user) throw new AppError('unauthorized');
  const now = deps.clock.now().getTime();
  await countRequest(deps, 'account', who.userId, deps.config.requestLimits.perAccount, now);
  const request: RightsRequest = {
    requestId: deps.newId(),
    kind: input.kind,
    status: 'received',
    receivedAt: now,
    dueAt: dueAt(deps, now),
    userId: who.userId,
    attempts: 0,
    contact: { phone: user.phone, name: '', details: input.details },
  };
  await deps.requests.submit(request, {
    audit: {
      event: 'privacy.request_received',
      userId: who.userId,
      sessionId: who.sessionId,
      detail: { requestId: request.requestId, kind: request.kind },
      at: now,
    },
  });
  return requestView(request);
}

/** The account's rights requests, newest first, a page at a time. */
export async function listMyRequests(
  deps: Pick<RightsRequestDeps, 'requests'>,
  who: Identity,
  page?: PageQuery,
) {
  const requests = await deps.requests.listForUser(who.userId);
  const chosen = pageOf(requests, (r) => `${timeKey(r.receivedAt, 'descending')}#${r.requestId}`, page);
  return { requests: chosen.items.map(requestView), next: chosen.next };
}

/** Status by id: the id is the 128-bit secret the requester was given, the answer holds no data. */
export async function requestStatus(deps: Pick<RightsRequestDeps, 'requests'>, requestId: string) {
  const request = await deps.requests.get(requestId);
  if (!request) throw new AppError('request_not_found');
  return requestView(request);
}
