import { assuranceRoutes } from '../assurance/routes';
import { auditEntryInserts } from '../audit';
import { authRoutes } from '../auth/routes';
import { cardChanges } from '../cards';
import { cardRoutes } from '../cards/routes';
import type { RouteDefinition, Touches } from '../core/route';
import { hospitalRoutes } from '../hospital/routes';
import { identityRoutes } from '../identity/routes';
import { oauthRoutes } from '../oauth/routes';
import { privacyRoutes } from '../privacy/routes';
import { systemRoutes } from './routes';

/**
 * THE route table: each feature declares its routes beside its code (`<feature>/routes.ts`) and
 * this gathers them. CDK makes one function per group and one API route per entry from it, the
 * local server serves it, and docs/openapi.json is generated from it. Handlers are named by module
 * path, not imported, so reading this table stays cheap (CDK synth, the OpenAPI build); a handler
 * imports only its own feature's entries.
 */
export const routes = {
  ...systemRoutes,
  ...authRoutes,
  ...oauthRoutes,
  ...cardRoutes,
  ...hospitalRoutes,
  ...privacyRoutes,
  ...identityRoutes,
  ...assuranceRoutes,
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;

export const routeList: ReadonlyArray<RouteDefinition & { readonly id: RouteId }> = Object.entries(
  routes,
).map(([id, route]) => ({ ...route, id: id as RouteId }));

/**
 * Requests that match no route (unknown path, or a known path with another method) go to this
 * handler: API Gateway's `$default` route in AWS, the same module locally.
 */
export const fallbackRoute = { group: 'system', handler: 'system/fallback' } as const;

/** Registers cards with each HIS, retrying with backoff (SQS). */
export const registrationWorker = {
  group: 'registration',
  handler: 'cards/handlers/registration-worker',
  touches: {
    table: 'readwrite',
    dataKey: 'both',
    appSecret: true,
    providers: true,
    queue: true,
  } satisfies Touches,
} as const;

/**
 * Links new audit entries into the chain: the table's stream, filtered to audit entries, one
 * ordered batch at a time per shard, split and retried on error, its position dead-lettered last.
 */
export const auditChainWorker = {
  group: 'audit-chain',
  handler: 'audit/handlers/chain-worker',
  stream: auditEntryInserts,
  touches: { table: 'readwrite', appSecret: true } satisfies Touches,
} as const;

/** Checks the audit trail daily (yesterday and today) and publishes what it finds (alarmed). */
export const auditVerifyJob = {
  group: 'audit-verify',
  handler: 'audit/handlers/verify-job',
  touches: { table: 'read', appSecret: true } satisfies Touches,
} as const;

/** Follows committed card changes (the table's stream): registration jobs and card events. */
export const cardChangesWorker = {
  group: 'card-changes',
  handler: 'cards/handlers/card-changes',
  stream: cardChanges,
  touches: { queue: true, events: true } satisfies Touches,
} as const;

/** Delivers card events to hospital webhooks; writes dead letters to the table. */
export const webhookWorker = {
  group: 'webhooks',
  handler: 'cards/handlers/webhook-worker',
  touches: { table: 'readwrite', providers: true } satisfies Touches,
} as const;

/**
 * Scheduled privacy jobs: account deletions (each minute: release cards at the HIS, erase items)
 * and retention (hourly: strip expired access data, delete dead sessions, report overdue requests).
 */
export const privacyJobs = {
  group: 'privacy-jobs',
  handler: 'privacy/handlers/privacy-jobs',
  touches: {
    table: 'readwrite',
    dataKey: 'both',
    appSecret: true,
    providers: true,
  } satisfies Touches,
} as const;

/**
 * The Lambda authorizer of every `auth: 'user'` and `auth: 'hospital'` route: verifies the token
 * and its session: read-only table access and the signing key's public half, nothing else.
 */
export const authorizerFunction = {
  group: 'authorizer',
  handler: 'authorizer/handlers/authorizer',
  touches: { table: 'read', signingKey: 'verify' } satisfies Touches,
} as const;
