import * as z from 'zod/mini';
import { AppError } from './errors';
import { type Lang, problemSpec } from './messages';
import { int32, list, meta, text } from './schema-parts';

/** RFC 9457 problem document, as every error response carries it. */
export const problemSchema = z
  .catchall(
    z.object({
      type: text(128, { pattern: /^urn:patient-onboarding:problem:[a-z_]+$/ }),
      title: text(256),
      status: int32(400, 599),
      code: text(64, { pattern: /^[a-z_]+$/ }),
      detail: text(1024),
      requestId: text(128, { pattern: /^[\w-]+$/ }),
      retryAfter: z.optional(int32(1, 86_400)),
      /** `captcha_required`: which captcha to show (its Tencent CaptchaAppId) and how hard it is. */
      captchaLevel: z.optional(z.enum(['standard', 'hard'])),
      captchaAppId: z.optional(text(16, { pattern: /^\d+$/ })),
      errors: z.optional(list(z.object({ path: text(256), issue: text(64, { pattern: /^[a-z_]+$/ }) }), 100)),
    }),
    z.union([text(256), z.number(), z.boolean()]),
  )
  .check(meta({ id: 'Problem' }));

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
export function renderProblem(
  error: unknown,
  context: { requestId: string; lang: Lang; headers?: Record<string, string> },
): ProblemResponse {
  const spec = problemSpec(error instanceof AppError ? error.code : 'internal_error');
  // A code missing from the catalogue renders as internal_error, with none of its extras.
  const known = error instanceof AppError && spec.status !== 500 ? error : undefined;
  const code = known?.code ?? 'internal_error';
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
  const headers: Record<string, string> = {
    'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'content-language': context.lang,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...context.headers,
    ...known?.headers,
  };
  if (known?.retryAfter !== undefined) headers['retry-after'] = String(known.retryAfter);
  return { statusCode: spec.status, headers, body: JSON.stringify(problem) };
}
