import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client';
import {
  BAD_PATH_PARAMS,
  brokenFields,
  brokenQueries,
  malformedBodies,
  plausible,
  resolverFor,
  type Schema,
} from '../helpers/fuzz';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * Every operation of the OpenAPI document, as the server serves it, with malformed and hostile
 * input: broken JSON, wrong types, nulls, over-long and deeply nested values, control, bidi and
 * zero-width characters, `__proto__` keys, arrays for objects, wrong content types and bad path
 * parameters, each with no token and with a valid one. No answer may be a 5xx or carry a stack
 * trace, and every error must be a problem document.
 */
const local = runtimePerFile('fuzz', {
  jobs: { deletionsMs: 0, retentionMs: 0 },
});
const { call, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly body?: { contentType: string; schema: Schema };
  readonly query: string[];
  readonly params: string[];
  /** The media types its documented errors come in (problem+json; FHIR's; OAuth's plain JSON). */
  readonly errorTypes: string[];
}

interface Finding {
  readonly request: string;
  readonly status: number;
  readonly problem: string;
}

async function operations(): Promise<{ list: Operation[]; components: Record<string, Schema> }> {
  const document = (await call('/openapi.json')).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, Schema> };
  };
  const list: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content;
      const [contentType, media] = Object.entries(content ?? {})[0] ?? [];
      const parameters = (op.parameters as Array<{ in: string; name: string }> | undefined) ?? [];
      const responses = op.responses as Record<string, { content?: Record<string, unknown> }>;
      const errorTypes = [
        ...new Set(
          Object.entries(responses)
            .filter(([status]) => Number(status) >= 400)
            .flatMap(([, answer]) => Object.keys(answer.content ?? {})),
        ),
      ];
      list.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        ...(contentType && media ? { body: { contentType, schema: media.schema } } : {}),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        errorTypes,
      });
    }
  }
  // Logging out ends the valid token: last.
  list.sort((a, b) => Number(a.operationId === 'logout') - Number(b.operationId === 'logout'));
  return { list, components: document.components.schemas };
}

/** What each answer must be, whatever was sent. */
function judge(
  request: string,
  response: Awaited<ReturnType<typeof call>>,
  errorTypes: readonly string[],
): Finding | undefined {
  const fail = (problem: string) => ({ request, status: response.status, problem });
  if (response.status >= 500) return fail('5xx');
  if (/\n\s+at |at Object\.|node:internal|\.ts:\d+/.test(response.text)) return fail('stack trace');
  if (response.status >= 400) {
    const type = errorTypes.find((t) => response.type?.startsWith(t));
    if (!type) return fail(`error as ${response.type}, documented as ${errorTypes.join(' or ')}`);
    if (type === 'application/fhir+json') {
      const outcome = response.body as
        | { resourceType?: unknown; issue?: Array<{ code?: unknown }> }
        | undefined;
      if (outcome?.resourceType !== 'OperationOutcome' || typeof outcome.issue?.[0]?.code !== 'string')
        return fail('not an OperationOutcome');
      return undefined;
    }
    const body = response.body as
      | { code?: unknown; status?: unknown; title?: unknown; error?: unknown }
      | undefined;
    if (typeof body?.code !== 'string' || body.status !== response.status || typeof body.title !== 'string')
      return fail('not a problem document');
    if (type === 'application/json' && typeof body.error !== 'string') return fail('no RFC 6749 error');
  }
  return undefined;
}

describe('fuzzing every operation of the OpenAPI document', () => {
  it('never answers 5xx, a stack trace, or an error other than the one its operation documents', async () => {
    const { list, components } = await operations();
    const resolve = resolverFor(components);
    const user = await login('13700009001');
    const hospital = await call('/v1/hospital/oauth/token', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('pumch-his:local-pumch-his-secret').toString('base64')}`,
      },
      rawBody: 'grant_type=client_credentials',
    });
    expect(hospital.status).toBe(200);
    const findings: Finding[] = [];
    let requests = 0;

    for (const [index, op] of list.entries()) {
      const token =
        op.path.startsWith('/v1/hospital/') || op.path.startsWith('/fhir/')
          ? (hospital.body.access_token as string)
          : user.accessToken;
      const concrete = op.path.replace(/\{[^}]+\}/g, 'AAAAAAAAAAAAAAAAAAAAAA');
      const paths = [
        concrete,
        ...op.params.flatMap(() => BAD_PATH_PARAMS.map((bad) => op.path.replace(/\{[^}]+\}/, bad))),
      ];
      const queries = ['', ...brokenQueries(op.query)];
      const variants: Array<{ path: string; body?: unknown; raw?: string; contentType?: string }> = [];
      for (const path of paths) for (const query of queries) variants.push({ path: `${path}${query}` });
      if (op.body) {
        const base = plausible(op.body.schema, resolve) as Record<string, unknown>;
        for (const broken of brokenFields(base, index)) {
          variants.push(
            op.body.contentType === 'application/json'
              ? { path: concrete, body: broken.body }
              : {
                  path: concrete,
                  raw: new URLSearchParams(
                    Object.entries((broken.body ?? {}) as Record<string, unknown>).map(
                      ([k, v]): [string, string] => [k, String(v)],
                    ),
                  ).toString(),
                  contentType: op.body.contentType,
                },
          );
        }
        for (const malformed of malformedBodies()) {
          variants.push({
            path: concrete,
            raw: malformed.raw,
            contentType: malformed.contentType ?? op.body.contentType,
          });
        }
      }
      for (const withToken of [false, true]) {
        for (const variant of variants) {
          const response = await call(variant.path, {
            method: op.method,
            ...(withToken ? { token } : {}),
            ...(variant.body !== undefined ? { body: variant.body } : {}),
            ...(variant.raw !== undefined
              ? {
                  rawBody: variant.raw,
                  headers: { 'content-type': variant.contentType ?? 'application/json' },
                }
              : {}),
          });
          requests++;
          const finding = judge(
            `${op.method} ${variant.path.slice(0, 120)} ${withToken ? '(token)' : ''} ${JSON.stringify(variant.body ?? variant.raw ?? '').slice(0, 80)}`,
            response,
            op.errorTypes,
          );
          if (finding) findings.push(finding);
        }
      }
      // Malformed Authorization headers on every operation.
      for (const authorization of [
        'Bearer',
        'Bearer a.b',
        'Bearer \u00ae.x.y',
        `Bearer ${'x'.repeat(9000)}`,
        'Basic Og==',
        `Basic ${Buffer.from('pumch-his:%zz').toString('base64')}`,
        'bearer x.y.z',
      ]) {
        const plausibleBody = op.body ? plausible(op.body.schema, resolve) : undefined;
        const response = await call(concrete, {
          method: op.method,
          headers: {
            authorization,
            ...(op.body ? { 'content-type': op.body.contentType } : {}),
          },
          ...(op.body
            ? {
                rawBody:
                  op.body.contentType === 'application/json'
                    ? JSON.stringify(plausibleBody)
                    : new URLSearchParams(plausibleBody as Record<string, string>).toString(),
              }
            : {}),
        });
        requests++;
        const finding = judge(
          `${op.method} ${concrete} authorization: ${authorization.slice(0, 30)}`,
          response,
          op.errorTypes,
        );
        if (finding) findings.push(finding);
      }
    }
    expect(findings).toEqual([]);
    // The suite really ran: dozens of operations, thousands of requests (2,900 when written).
    expect(list.length).toBeGreaterThan(40);
    expect(requests).toBeGreaterThan(2000);
  }, 300_000);
});
