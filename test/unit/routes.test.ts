import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApiFile } from '../../bin/openapi';
import { routeKey } from '../../functions/core/route';
import { authorizerFunction, fallbackRoute, routeList } from '../../functions/system/route-table';

describe('route table', () => {
  it('names a handler module that exports handler for every entry and the fallback', async () => {
    for (const module of [...routeList.map((r) => r.handler), fallbackRoute.handler]) {
      const url = new URL(`../../functions/${module}.ts`, import.meta.url).href;
      const mod = (await import(/* @vite-ignore */ url)) as { handler?: unknown };
      expect(typeof mod.handler, module).toBe('function');
    }
  });

  it("lets every function that signs tokens make the epoch's signing key (write the table, seal the key)", () => {
    const signing = [...routeList, authorizerFunction].filter((r) => r.touches.signingKey === 'sign');
    expect(signing.length).toBeGreaterThan(10);
    const cannotMint = signing.filter((r) => r.touches.table !== 'readwrite' || r.touches.dataKey !== 'both');
    expect(cannotMint.map((r) => ('id' in r ? r.id : r.group))).toEqual([]);
  });

  it('has one entry per method and path', () => {
    const keys = routeList.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses group names that can name a Lambda function', () => {
    for (const route of routeList) expect(route.group).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('declares path parameters exactly as the path names them', () => {
    for (const route of routeList) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = Object.keys(route.request?.params?._zod.def.shape ?? {}).sort();
      expect(declared, route.id).toEqual(inPath);
    }
  });

  it('keeps docs/openapi.json in step with the table (npm run openapi)', () => {
    const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderOpenApiFile());
  });

  it('documents every route in OpenAPI 3.1', () => {
    const document = JSON.parse(renderOpenApiFile());
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeList) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.id);
    }
  });
});
