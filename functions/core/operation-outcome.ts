import * as z from 'zod/mini';
import type { Lang } from './messages';
import { type ProblemResponse, refusal, refusalHeaders } from './problem';
import { list, meta, text } from './schema-parts';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';
/** Our problem codes as a code system, so a FHIR client can still tell refusals apart. */
export const PROBLEM_CODE_SYSTEM = 'urn:patient-onboarding:problem';

/** The FHIR R4 OperationOutcome every error of a FHIR route carries (instead of problem+json). */
export const operationOutcomeSchema = z
  .object({
    resourceType: z.literal('OperationOutcome'),
    id: text(64, { pattern: /^[A-Za-z0-9.-]{1,64}$/ }),
    issue: list(
      z.object({
        severity: z.literal('error'),
        code: text(32, { pattern: /^[a-z-]+$/ }),
        details: z.object({
          coding: list(
            z.object({ system: z.literal(PROBLEM_CODE_SYSTEM), code: text(64, { pattern: /^[a-z_]+$/ }) }),
            1,
          ),
          text: text(256),
        }),
        diagnostics: text(1024),
        expression: z.optional(list(text(256), 100)),
      }),
      1,
    ),
  })
  .check(meta({ id: 'OperationOutcome' }));

/** FHIR's IssueType for a problem: what a FHIR client switches on. */
function issueType(status: number, code: string): string {
  if (code === 'patient_ambiguous') return 'multiple-matches';
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  if (status >= 500) return 'exception';
  return 'invalid';
}

/**
 * Renders an error as an OperationOutcome: the same status, headers and words as its problem
 * (problem.ts), the problem's code in `details.coding`, the request id as the resource's id.
 * Unknown errors stay a bare 500 with the request id only.
 */
export function renderOperationOutcome(
  error: unknown,
  context: { requestId: string; lang: Lang },
): ProblemResponse {
  const { spec, known, code } = refusal(error);
  const outcome = {
    resourceType: 'OperationOutcome' as const,
    id: context.requestId.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64),
    issue: [
      {
        severity: 'error' as const,
        code: issueType(spec.status, code),
        details: { coding: [{ system: PROBLEM_CODE_SYSTEM, code }], text: spec.title[context.lang] },
        diagnostics: spec.detail[context.lang],
        ...(known?.fields ? { expression: known.fields.map((f) => f.path) } : {}),
      },
    ],
  };
  const headers = refusalHeaders(FHIR_CONTENT_TYPE, context.lang, known);
  return { statusCode: spec.status, headers, body: JSON.stringify(outcome) };
}
