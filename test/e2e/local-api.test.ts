import { describe, expect, it } from 'vitest';
import { runtimePerFile } from '../helpers/local-runtime';

const local = runtimePerFile('api');

const call = (path: string, init?: RequestInit) => fetch(`${local.runtime.url}${path}`, init);

describe('local API over HTTP', () => {
  it('GET /health reports ok with region, store, key source and version', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      region: 'cn-north-1',
      stage: 'local',
      store: { reachable: true },
      keySource: 'local',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('GET /openapi.json serves the OpenAPI 3.1 document of the route table', async () => {
    const response = await call('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/openapi.json']));
  });

  it('answers an unknown path with a 404 problem', async () => {
    const response = await call('/v1/nothing-here', { headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await response.json()).toMatchObject({ code: 'not_found', status: 404, title: 'Not found' });
  });

  it('answers a wrong method with 405, an Allow header and a zh-CN problem by default', async () => {
    const response = await call('/health', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13912345678' }),
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    const problem = (await response.json()) as { code: string; title: string; requestId: string };
    expect(problem.code).toBe('method_not_allowed');
    expect(problem.title).toBe('不支持该请求方法');
    expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 503 degraded when the store cannot be reached', async () => {
    const { useRuntime } = await import('../helpers/deps');
    const changed = useRuntime({
      env: { ...local.runtime.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', TABLE_NAME: 'none' },
    });
    try {
      const response = await call('/health');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'degraded', store: { reachable: false } });
    } finally {
      changed.restore();
    }
  });
});
