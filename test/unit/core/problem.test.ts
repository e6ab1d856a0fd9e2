import { describe, expect, it } from 'vitest';
import { AppError, ValidationError } from '../../../functions/core/errors';
import type { ProblemCode } from '../../../functions/core/messages';
import { renderProblem } from '../../../functions/core/problem';

const context = { requestId: 'req-1', lang: 'en' as const };

describe('renderProblem', () => {
  it('renders a known code with its status, stable code and localised text', () => {
    const response = renderProblem(new AppError('unsupported_media_type'), context);
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:patient-onboarding:problem:unsupported_media_type',
      title: 'Unsupported media type',
      status: 415,
      code: 'unsupported_media_type',
      detail:
        'The body is not of the type this operation takes (application/json; the token endpoint takes a form, application/x-www-form-urlencoded).',
      requestId: 'req-1',
    });
  });

  it('speaks zh-CN when asked', () => {
    const body = JSON.parse(renderProblem(new AppError('not_found'), { ...context, lang: 'zh-CN' }).body);
    expect(body.title).toBe('接口不存在');
  });

  it('carries retryAfter as a member and a header', () => {
    const response = renderProblem(new AppError('store_unavailable', { retryAfter: 30 }), context);
    expect(response.headers['retry-after']).toBe('30');
    expect(JSON.parse(response.body).retryAfter).toBe(30);
  });

  it('lists field paths and issue kinds for validation errors', () => {
    const response = renderProblem(
      new ValidationError([{ path: 'body.phone', issue: 'invalid_format' }]),
      context,
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors).toEqual([{ path: 'body.phone', issue: 'invalid_format' }]);
  });

  it('turns an unknown error into a bare 500 with nothing but the request id', () => {
    const secret = 'user 13800138000 failed at /var/task/index.mjs:1';
    const response = renderProblem(new Error(secret), context);
    expect(response.statusCode).toBe(500);
    const body = JSON.parse(response.body);
    expect(body.code).toBe('internal_error');
    expect(body.requestId).toBe('req-1');
    expect(response.body).not.toContain('13800138000');
    expect(response.body).not.toContain('index.mjs');
  });

  it('renders an AppError whose code is missing from the catalogue as a 500 without its extras', () => {
    // A code from outside the catalogue cannot be written any more; one that arrives anyway (a
    // cast, an older bundle) still renders as a bare 500.
    const response = renderProblem(
      new AppError('no_such_code' as ProblemCode, { extensions: { reason: 'leaked_extra' } }),
      context,
    );
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).not.toHaveProperty('reason');
  });
});
