import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stages } from '../../../functions/core/config';
import { AppError } from '../../../functions/core/errors';
import { edgePipeline } from '../../../functions/core/http-handler';
import { logger } from '../../../functions/core/logger';
import { noMetrics } from '../../../functions/core/metrics';
import type { RouteDefinition } from '../../../functions/core/route';
import { captureOutput } from '../../helpers/capture-logs';
import { apiEvent, testContext } from '../../helpers/events';

/** A route with a body, like the ones later features add; the pipeline is the same for all. */
const echoRoute: RouteDefinition = {
  method: 'POST',
  path: '/echo',
  group: 'test',
  auth: 'none',
  summary: 'echo',
  handler: 'test/echo',
  request: {
    body: z.strictObject({ phone: z.string().regex(/^1\d{10}$/), idNumber: z.string().length(18) }),
  },
  responses: { 201: { body: z.object({ ok: z.literal(true) }) } },
  problems: [],
  touches: {},
};

const phone = '13912345678';
const idNumber = '11010519491231002X';

const deps = () => ({ edge: { config: stages.local, metrics: { ...noMetrics, flush: () => undefined } } });

const echo = edgePipeline('echo', echoRoute, deps, async (event) => {
  const body = event.edge?.body as { phone: string };
  // A careless log line, as a feature might write one: the logger must mask it anyway.
  logger.info(`received ${body.phone}`, { body, idNumber });
  if (body.phone === '13000000000') throw new Error(`database said no for ${body.phone}`);
  if (body.phone === '13000000001') return { body: { ok: false } as never };
  return { body: { ok: true } };
});

const post = (
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  echo(
    apiEvent({ method: 'POST', path: '/echo', headers, ...(body === undefined ? {} : { body }) }),
    testContext,
  );

const parse = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('edge pipeline', () => {
  it('passes a valid body to the handler and answers with the route status', async () => {
    const response = await post(JSON.stringify({ phone, idNumber }));
    expect(response.statusCode).toBe(201);
    expect(parse(response)).toEqual({ ok: true });
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
  });

  it('accepts a JSON content type with a charset', async () => {
    const response = await post(JSON.stringify({ phone, idNumber }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers 415 to another content type', async () => {
    const response = await post('phone=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(415);
    expect(parse(response).code).toBe('unsupported_media_type');
  });

  it('answers 400 malformed_json to broken JSON', async () => {
    const response = await post('{"phone": ');
    expect(response.statusCode).toBe(400);
    expect(parse(response).code).toBe('malformed_json');
  });

  it('answers 413 to a body over 16 KiB before parsing it', async () => {
    const response = await post(JSON.stringify({ phone, idNumber, pad: 'x'.repeat(16 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(parse(response).code).toBe('payload_too_large');
  });

  it('answers 400 invalid_request naming fields and issues but never echoing values', async () => {
    const response = await post(JSON.stringify({ phone: '1391234567', idNumber, extra: 1 }));
    expect(response.statusCode).toBe(400);
    const problem = parse(response);
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.phone', issue: 'invalid_format' },
        { path: 'body', issue: 'unrecognized_keys' },
      ]),
    );
    expect(response.body).not.toContain('1391234567');
  });

  it('answers 400 to a missing body', async () => {
    const response = await post(undefined);
    expect(response.statusCode).toBe(400);
    expect(parse(response).errors).toEqual([{ path: 'body', issue: 'invalid_type' }]);
  });

  it('localises the problem from Accept-Language', async () => {
    const response = await post('{', {
      'content-type': 'application/json',
      'accept-language': 'en-US,en;q=0.9',
    });
    expect(parse(response).title).toBe('Malformed JSON body');
    expect(response.headers?.['content-language']).toBe('en');
  });

  it('answers an unexpected failure with a 500 that carries only the request id', async () => {
    const response = await post(JSON.stringify({ phone: '13000000000', idNumber }));
    expect(response.statusCode).toBe(500);
    expect(Object.keys(parse(response)).sort()).toEqual([
      'code',
      'detail',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(parse(response).requestId).toBe('req-test-1');
    expect(response.body).not.toContain('database');
  });

  it('fails closed (500) when a handler breaks its own response contract', async () => {
    const response = await post(JSON.stringify({ phone: '13000000001', idNumber }));
    expect(response.statusCode).toBe(500);
  });

  it('writes no phone or ID number to the logs, even when a handler logs them', async () => {
    const { output } = await captureOutput(async () => {
      await post(JSON.stringify({ phone, idNumber }));
      await post(JSON.stringify({ phone: '13000000000', idNumber }));
      await post(JSON.stringify({ phone: '1391234567', idNumber }));
    });
    expect(output).toContain('"route":"echo"');
    expect(output).not.toContain(phone);
    expect(output).not.toContain('13000000000');
    expect(output).not.toContain(idNumber);
    expect(output).not.toContain('1391234567');
  });

  it('keeps domain error codes in the log without user data', async () => {
    const failing = edgePipeline('refuse', undefined, deps, async () => {
      throw new AppError('store_unavailable', { retryAfter: 5 });
    });
    const { result, output } = await captureOutput(() => failing(apiEvent(), testContext));
    expect(result.statusCode).toBe(503);
    expect(output).toContain('"problemCode":"store_unavailable"');
  });
});
