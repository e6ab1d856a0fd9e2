import { describe, expect, it } from 'vitest';
import { restEvent } from '../../../bin/local/lambda-event';
import { stages } from '../../../functions/core/config';
import { edgePipeline } from '../../../functions/core/http-handler';
import { noMetrics } from '../../../functions/core/metrics';
import type { RouteDefinition } from '../../../functions/core/route';
import { testContext } from '../../helpers/events';

/** A public hospital route (like the token endpoint): it authenticates its callers itself. */
const hospitalRoute: RouteDefinition = {
  method: 'POST',
  path: '/v1/hospital/oauth/token',
  group: 'hospital',
  auth: 'none',
  summary: 'x',
  handler: 'x',
  responses: { 204: {} },
  problems: [],
  touches: {},
};
const userRoute: RouteDefinition = { ...hospitalRoute, path: '/v1/x', group: 'account' };

const depsWith = (hospitalDomain: string | undefined) => () => ({
  edge: { config: stages.local, metrics: { ...noMetrics, flush: () => undefined }, hospitalDomain },
});
const ran: string[] = [];
const serve = (route: RouteDefinition, hospitalDomain: string | undefined) =>
  edgePipeline('x', route, depsWith(hospitalDomain), async () => {
    ran.push(route.path);
    return { body: undefined, status: 204 };
  });
const call = (route: RouteDefinition, domainName: string, hospitalDomain: string | undefined) =>
  serve(route, hospitalDomain)(
    restEvent({ method: 'POST', path: route.path, resource: route.path, domainName, headers: {} }),
    testContext,
  );

describe('hospital routes on their own domain', () => {
  it('refuses a hospital route reached through the public domain (no client certificate there)', async () => {
    ran.length = 0;
    const answer = await call(hospitalRoute, 'api.example-hospital.cn', 'his.example-hospital.cn');
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'forbidden' });
    expect(answer.headers?.['content-type']).toMatch(/^application\/problem\+json/);
    // Refused before the route looked at any credential.
    expect(ran).toEqual([]);
  });

  it('refuses the raw execute-api name too, whatever case the attacker writes', async () => {
    const viaDefault = await call(
      hospitalRoute,
      'abc123.execute-api.cn-north-1.amazonaws.com.cn',
      'his.example-hospital.cn',
    );
    expect(viaDefault.statusCode).toBe(403);
    const upper = await call(hospitalRoute, 'HIS.EXAMPLE-HOSPITAL.CN', 'his.example-hospital.cn');
    expect(upper.statusCode).toBe(204);
  });

  it('serves hospital routes on the hospital domain, and user routes anywhere', async () => {
    ran.length = 0;
    expect((await call(hospitalRoute, 'his.example-hospital.cn', 'his.example-hospital.cn')).statusCode).toBe(
      204,
    );
    expect((await call(userRoute, 'api.example-hospital.cn', 'his.example-hospital.cn')).statusCode).toBe(
      204,
    );
    expect(ran).toEqual([hospitalRoute.path, userRoute.path]);
  });

  it('checks nothing when no hospital domain is deployed (a test deploy on execute-api)', async () => {
    expect((await call(hospitalRoute, 'localhost', undefined)).statusCode).toBe(204);
  });
});
