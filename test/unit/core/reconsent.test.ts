import { describe, expect, it } from 'vitest';
import { stages } from '../../../functions/core/config';
import { edgePipeline } from '../../../functions/core/http-handler';
import { noMetrics } from '../../../functions/core/metrics';
import { policyStatus, requiredPolicyVersion } from '../../../functions/core/policy-status';
import type { RouteDefinition } from '../../../functions/core/route';
import { apiEvent, testContext } from '../../helpers/events';

const policy = (version: string, material: boolean) => ({
  version,
  publishedAt: `${version}T00:00:00+08:00`,
  material,
  textUrl: `https://example.invalid/${version}`,
  purposes: ['account'],
});

const route = (allowsStalePolicy: boolean): RouteDefinition => ({
  method: 'GET',
  path: '/x',
  group: 'test',
  auth: 'user',
  allowsStalePolicy,
  summary: 'x',
  handler: 'x',
  responses: { 204: {} },
  problems: [],
  touches: {},
});

/** A request as the authorizer passes it on: a signed-in person who accepted `accepted`. */
function as(accepted: string) {
  const event = apiEvent({ path: '/x' });
  // As a REST API hands it over: every value a string, beside the principal.
  (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
    principalId: 'u1',
    ok: 'true',
    kind: 'user',
    userId: 'u1',
    sessionId: 's1',
    amr: 'sms',
    policyVersion: accepted,
  };
  return event;
}

let config = stages.local;
function withPolicies(policies: ReturnType<typeof policy>[]) {
  config = {
    ...stages.local,
    privacy: { ...stages.local.privacy, policies: policies as [ReturnType<typeof policy>] },
  };
}
const deps = () => ({ edge: { config, metrics: { ...noMetrics, flush: () => undefined } } });

const served = edgePipeline('x', route(false), deps, async () => ({ body: undefined, status: 204 }));
const consentLike = edgePipeline('x', route(true), deps, async () => ({ body: undefined, status: 204 }));

describe('policy re-consent', () => {
  it('answers 428 with the new version after a material change until it is accepted', async () => {
    withPolicies([policy('2026-11-01', true), policy('2027-03-01', true)]);
    const response = await served(as('2026-11-01'), testContext);
    expect(response.statusCode).toBe(428);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      code: 'policy_reconsent_required',
      policyVersion: '2027-03-01',
    });
    expect((await served(as('2027-03-01'), testContext)).statusCode).toBe(204);
  });

  it('keeps serving the consent routes so the user can accept', async () => {
    withPolicies([policy('2026-11-01', true), policy('2027-03-01', true)]);
    expect((await consentLike(as('2026-11-01'), testContext)).statusCode).toBe(204);
  });

  it('does not block for a non-material version', async () => {
    withPolicies([policy('2026-11-01', true), policy('2027-03-01', false)]);
    expect(requiredPolicyVersion([policy('2026-11-01', true), policy('2027-03-01', false)])).toBe(
      '2026-11-01',
    );
    expect((await served(as('2026-11-01'), testContext)).statusCode).toBe(204);
  });
});

describe('policy status (GET /v1/me)', () => {
  const published = [
    policy('2026-11-01', true),
    policy('2027-01-01', false),
    policy('2027-03-01', true),
  ] as const;

  it('reports a newer non-material version without requiring re-consent', () => {
    expect(policyStatus([published[0], published[1]], '2026-11-01')).toMatchObject({
      current: '2027-01-01',
      accepted: '2026-11-01',
      reconsentRequired: false,
      newerVersionAvailable: true,
    });
  });

  it('requires re-consent once a later material version is published', () => {
    expect(policyStatus(published, '2027-01-01')).toMatchObject({
      accepted: '2027-01-01',
      reconsentRequired: true,
      newerVersionAvailable: true,
    });
    expect(policyStatus(published, '2027-03-01')).toMatchObject({
      reconsentRequired: false,
      newerVersionAvailable: false,
    });
  });

  it('treats a version never published, or none, as nothing accepted', () => {
    for (const accepted of [undefined, '', '1999-01-01']) {
      expect(policyStatus(published, accepted)).toMatchObject({ accepted: null, reconsentRequired: true });
    }
  });
});
