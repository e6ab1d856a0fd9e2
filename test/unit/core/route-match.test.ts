import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../../functions/core/route';
import { matchRoute } from '../../../functions/core/route-match';

const route = (method: RouteDefinition['method'], path: string): RouteDefinition => ({
  method,
  path,
  group: 'g',
  auth: 'none',
  summary: '',
  handler: 'x',
  responses: { 200: {} },
  problems: [],
  touches: {},
});
const table = [
  route('GET', '/health'),
  route('GET', '/v1/cards/{cardId}'),
  route('DELETE', '/v1/cards/{cardId}'),
];

describe('matchRoute', () => {
  it('finds a literal route', () => {
    expect(matchRoute(table, 'GET', '/health')).toMatchObject({ kind: 'found', params: {} });
  });

  it('extracts and decodes path parameters', () => {
    expect(matchRoute(table, 'DELETE', '/v1/cards/a%20b')).toMatchObject({
      kind: 'found',
      params: { cardId: 'a b' },
    });
  });

  it('answers method_not_allowed with the methods the path has', () => {
    expect(matchRoute(table, 'POST', '/v1/cards/1')).toEqual({
      kind: 'method_not_allowed',
      allow: ['GET', 'DELETE'],
      // The resource whose ANY method answers in API Gateway, as the fallback sees it.
      path: '/v1/cards/{cardId}',
      params: { cardId: '1' },
    });
  });

  it('does not match an empty parameter, extra segments or a bad escape', () => {
    expect(matchRoute(table, 'GET', '/v1/cards/').kind).toBe('not_found');
    expect(matchRoute(table, 'GET', '/v1/cards/1/x').kind).toBe('not_found');
    expect(matchRoute(table, 'GET', '/v1/cards/%E0%A4%A').kind).toBe('not_found');
  });
});
