import type { RouteDefinition } from './route';

export type RouteMatch<R extends RouteDefinition> =
  | { readonly kind: 'found'; readonly route: R; readonly params: Record<string, string> }
  | {
      readonly kind: 'method_not_allowed';
      readonly allow: readonly string[];
      /** The first route path that matched (the resource whose `ANY` method answers), and its parameters. */
      readonly path: string;
      readonly params: Record<string, string>;
    }
  | { readonly kind: 'not_found' };

/** Matches `/v1/cards/abc` against `/v1/cards/{cardId}`, as API Gateway does for single segments. */
function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

export function matchRoute<R extends RouteDefinition>(
  routes: readonly R[],
  method: string,
  path: string,
): RouteMatch<R> {
  const allow: string[] = [];
  let first: { path: string; params: Record<string, string> } | undefined;
  for (const route of routes) {
    let params: Record<string, string> | undefined;
    try {
      params = matchPath(route.path, path);
    } catch {
      // A malformed %-escape matches nothing, like an unknown path.
      params = undefined;
    }
    if (params === undefined) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allow.push(route.method);
    first ??= { path: route.path, params };
  }
  return first ? { kind: 'method_not_allowed', allow, ...first } : { kind: 'not_found' };
}
