import * as z from 'zod/mini';
import { AppError } from './errors';
import { type Lang, problemSpec } from './messages';
import { int32, list, meta, text } from './schema-parts';

/**
 * The extension members a problem may carry, each typed: the only ones AppError accepts, so a
 * generated client knows every member the server sends.
 */
export const problemExtensions = {
  retryAfter: z.optional(int32(1, 86_400)),
  /** `captcha_required`: which captcha to show (its Tencent CaptchaAppId) and how hard it is. */
  captchaLevel: z.optional(z.enum(['standard', 'hard'])),
  captchaAppId: z.optional(text(16, { pattern: /^\d+$/ })),
  /** The policy version to accept (re-consent, guardian consent, a stale acceptance). */
  policyVersion: z.optional(text(32, { pattern: /^[\w.-]+$/ })),
  /** `otp_invalid`: tries left on this code. */
  attemptsLeft: z.optional(int32(0, 10)),
  /** `consent_required`: the purpose to consent to. */
  purpose: z.optional(text(64, { pattern: /^[a-z_]+$/ })),
  /** Why an input was refused (`not_mainland_mobile`, `id_checksum`, `birth_date_required`, …). */
  reason: z.optional(text(64, { pattern: /^[a-z_]+$/ })),
  /** `real_person_required`: the hospital that asks for it. */
  hospitalId: z.optional(text(64, { pattern: /^[\w-]+$/ })),
  /** `identity_minor`: the age from which an account may verify. */
  minAge: z.optional(int32(0, 150)),
  /** A provider's own error code (WeChat `errcode`, Alipay `sub_code`), for support. */
  providerCode: z.optional(text(64, { pattern: /^[\w.:-]+$/ })),
  /** `sms_proof_required`: the number the code goes to, masked. */
  phoneMasked: z.optional(text(32, { pattern: /^[\d*+]+$/ })),
  /** `card_limit_reached`: cards allowed per account at this hospital. */
  cardLimit: z.optional(int32(1, 100)),
  /** `patient_ambiguous`: the bindings to choose from, `<id>:<relationship>` space-separated. */
  bindings: z.optional(text(1024, { pattern: /^[\w.:-]+( [\w.:-]+)*$/ })),
  /** Failed face checks that the counter can settle instead. */
  alternative: z.optional(z.enum(['counter_attestation'])),
  /** `assurance_required`: the assurance level (an `acr` value) the app asks for. */
  acr: z.optional(text(128, { pattern: /^urn:[\w.:-]+$/ })),
  /** `service_stopped`: the operator's announcement, in the request's language, and when it stopped. */
  announcement: z.optional(text(2000)),
  stoppedAt: z.optional(text(32, { pattern: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/ })),
  /** The face check the outcome is about. */
  livenessId: z.optional(text(32, { pattern: /^[\w-]+$/ })),
} as const;

type ExtensionMembers = typeof problemExtensions;
/** What `AppError`'s `extensions` may hold: the typed members above (and only those). */
export type ProblemExtensions = {
  -readonly [K in Exclude<keyof ExtensionMembers, 'retryAfter'>]?: z.infer<ExtensionMembers[K]>;
};

/** RFC 6749 5.2's errors (and `temporarily_unavailable`, 4.1.2.1, for a throttled client). */
const oauthErrors = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  /** RFC 6750 3.1: a bearer token refused at a resource (userinfo). */
  'invalid_token',
  'temporarily_unavailable',
  'server_error',
] as const;

/** The RFC 6749 error of a problem at an OAuth endpoint. */
function oauthError(code: string, status: number): (typeof oauthErrors)[number] {
  const named = oauthErrors.find((e) => e === code);
  if (named) return named;
  if (status === 429 || status === 503) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

const problemFields = {
  type: text(128, { pattern: /^urn:patient-onboarding:problem:[a-z_]+$/ }),
  title: text(256),
  status: int32(400, 599),
  code: text(64, { pattern: /^[a-z_]+$/ }),
  detail: text(1024),
  requestId: text(128, { pattern: /^[\w-]+$/ }),
  ...problemExtensions,
  errors: z.optional(list(z.object({ path: text(256), issue: text(64, { pattern: /^[a-z_]+$/ }) }), 100)),
  /** OAuth 2.0 endpoints only (RFC 6749 5.2): the error an OAuth client library reads. */
  error: z.optional(z.enum(oauthErrors)),
  error_description: z.optional(text(1024)),
};

/** RFC 9457 problem document, as every error response carries it. */
export const problemSchema = z.object(problemFields).check(meta({ id: 'Problem' }));

/**
 * The problem of one status, its `code` an enum of the catalogue's codes at that status (a
 * generated client gets a union it can switch on, and a typo in a test does not compile).
 */
export function problemSchemaFor(status: number, codes: readonly string[]) {
  return z
    .object({ ...problemFields, status: z.literal(status), code: z.enum(codes as [string, ...string[]]) })
    .check(meta({ id: `Problem${status}` }));
}

export type Problem = z.infer<typeof problemSchema>;

export interface ProblemResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Renders a problem. Unknown errors become a bare 500 carrying only the request id: no message,
 * no stack, nothing from the cause.
 */
/**
 * What an error answers, whatever document carries it (a problem, a FHIR OperationOutcome): its
 * catalogue entry, the AppError when it is one we answer as such, and its code. Anything else,
 * and a code missing from the catalogue, is internal_error with none of its extras.
 */
export function refusal(error: unknown) {
  const spec = problemSpec(error instanceof AppError ? error.code : 'internal_error');
  const known = error instanceof AppError && spec.status !== 500 ? error : undefined;
  return { spec, known, code: known?.code ?? 'internal_error' };
}

/** The headers of every error answer: its media type and language, never cached, and its own. */
export function refusalHeaders(
  contentType: string,
  lang: Lang,
  known: AppError | undefined,
  extra?: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': `${contentType}; charset=utf-8`,
    'content-language': lang,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
    ...known?.headers,
  };
  if (known?.retryAfter !== undefined) headers['retry-after'] = String(known.retryAfter);
  return headers;
}

export function renderProblem(
  error: unknown,
  context: { requestId: string; lang: Lang; headers?: Record<string, string>; oauth?: boolean },
): ProblemResponse {
  const { spec, known, code } = refusal(error);
  const problem: Problem = {
    ...known?.extensions,
    type: `urn:patient-onboarding:problem:${code}`,
    title: spec.title[context.lang],
    status: spec.status,
    code,
    detail: spec.detail[context.lang],
    requestId: context.requestId,
  };
  if (known?.retryAfter !== undefined) problem.retryAfter = known.retryAfter;
  if (known?.fields !== undefined) problem.errors = [...known.fields];
  if (context.oauth) {
    // A grant type outside the schema's enum is refused at the edge; RFC 6749 5.2 names it.
    const otherGrant = known?.fields?.some(
      (f) => f.path === 'body.grant_type' && f.issue === 'invalid_value',
    );
    problem.error = otherGrant ? 'unsupported_grant_type' : oauthError(code, spec.status);
    problem.error_description = spec.detail.en;
  }
  // RFC 6749 5.2 answers application/json; everything else, problem+json (RFC 9457).
  const type = context.oauth ? 'application/json' : PROBLEM_CONTENT_TYPE;
  const headers = refusalHeaders(type, context.lang, known, context.headers);
  return { statusCode: spec.status, headers, body: JSON.stringify(problem) };
}
