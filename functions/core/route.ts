import type { $ZodObject, $ZodType } from 'zod/v4/core';
import type { ProblemCode } from './messages';

/**
 * The shape of one route-table entry. Entries are data: CDK, the local server and the OpenAPI
 * generator read them; each handler names its own entry.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route's function may touch; CDK turns the union over a group into IAM grants. */
export interface Touches {
  /** The single table: none, read-only, or read and write. */
  readonly table?: 'read' | 'readwrite';
  /** The data key: `encrypt` to seal, `decrypt` to open, `both`. */
  readonly dataKey?: 'encrypt' | 'decrypt' | 'both';
  /** The application secret: blind-index key and OTP pepper. */
  readonly appSecret?: boolean;
  /** The token-signing key: `sign` to issue tokens, `verify` to read its public key only. */
  readonly signingKey?: 'sign' | 'verify';
  /** The provider-credentials secret (SMS, captcha, OAuth, HIS). */
  readonly providers?: boolean;
  /** Sends to the HIS registration queue. */
  readonly queue?: boolean;
  /** Publishes card events to the event bus. */
  readonly events?: boolean;
  /**
   * Restores backups into scratch tables (`<table>-rt-*`), reads and drops them: AWS Backup's
   * recovery points of this table, the restore role, and those tables only.
   */
  readonly restoreTest?: boolean;
}

/** One success a route answers: its status's body (none for 204) and what it means. */
export interface SuccessResponse {
  readonly body?: $ZodType;
  readonly description?: string;
  /** Response headers the answer carries (a redirect's `Location`), as OpenAPI states them. */
  readonly headers?: Readonly<
    Record<
      string,
      {
        readonly description: string;
        readonly schema: { readonly type: 'string'; readonly format?: string; readonly maxLength: number };
      }
    >
  >;
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/v1/me/cards/{cardId}`. */
  readonly path: string;
  /** Lambda function that serves it: one function per group. */
  readonly group: string;
  /** `user`: an access token of a signed-in person; `hospital`: a hospital client's token with `scope`. */
  readonly auth: 'none' | 'user' | 'hospital';
  /** Still served after a material policy change the user has not accepted (consent, export, deletion). */
  readonly allowsStalePolicy?: boolean;
  /**
   * Still served once the service has stopped (wind-down): see `closesOnWindDown`.
   */
  readonly openDuringWindDown?: boolean;
  /** For `hospital` routes: the scope the token must carry. */
  readonly scope?: 'patients:read' | 'events:read' | 'identity:attest';
  readonly summary: string;
  /** Module under functions/ (no extension) exporting `handler`. */
  readonly handler: string;
  readonly request?: {
    readonly body?: $ZodType;
    /** `form` for application/x-www-form-urlencoded (the OAuth token endpoint); JSON otherwise. */
    readonly bodyFormat?: 'json' | 'form';
    readonly query?: $ZodObject;
    readonly params?: $ZodObject;
    /**
     * Request headers the route reads (lower-case names), stated in the OpenAPI document; the
     * handler parses them with these schemas and answers its own problem when one is missing.
     */
    readonly headers?: $ZodObject;
  };
  /** Every success the route answers, by status; each body is validated before it leaves. */
  readonly responses: Readonly<Partial<Record<200 | 201 | 202 | 204 | 303 | 503, SuccessResponse>>>;
  /**
   * The problems the route's own logic answers (the edge adds those of its kind: validation,
   * authentication, re-consent, 500). Outside the local and dev stages an undeclared one is still
   * answered; there it is our bug and answers 500, so the tests find it.
   */
  readonly problems: readonly ProblemCode[];
  readonly touches: Touches;
  /**
   * `fhir`: answers `application/fhir+json`, and every error as a FHIR OperationOutcome.
   * `oauth`: an OAuth 2.0 endpoint: errors are `application/json` and carry RFC 6749's `error`
   * and `error_description` beside the problem's members.
   */
  readonly format?: 'fhir' | 'oauth';
}

/**
 * A function that no route calls: what triggers it (a queue, the table's stream with its filter,
 * a schedule), its module and what it touches. Features declare theirs beside their routes; CDK,
 * the local runtime, the rehearsal and the bench all read the one table (system/route-table.ts).
 */
export type WorkerDefinition = {
  readonly group: string;
  readonly handler: string;
  readonly touches: Touches;
} & (
  | { readonly trigger: 'queue'; readonly queue: string }
  | { readonly trigger: 'stream'; readonly stream: Readonly<Record<string, unknown>> }
  | { readonly trigger: 'schedule' }
);

export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * Whether a route stops answering once the service has stopped: it changes or collects something.
 * Reading (GET) and removing (DELETE: a device signed out, a card unbound, an app's access ended)
 * stay, as do the routes marked open (a session kept, consent withdrawn, a request to staff).
 */
export function closesOnWindDown(route: Pick<RouteDefinition, 'method' | 'openDuringWindDown'>): boolean {
  return route.method !== 'GET' && route.method !== 'DELETE' && !route.openDuringWindDown;
}

/** Problems every route of a kind may answer, whatever its own logic: what the edge itself says. */
export function edgeProblems(route: RouteDefinition | undefined): ProblemCode[] {
  if (!route) return ['not_found', 'method_not_allowed', 'internal_error'];
  // What API Gateway itself may answer on any route: WAF's block (its gateway response).
  const codes: ProblemCode[] = ['internal_error', 'request_blocked'];
  if (route.request?.body)
    codes.push('invalid_request', 'malformed_json', 'unsupported_media_type', 'payload_too_large');
  else if (route.request) codes.push('invalid_request');
  // The authorizer's own failure, answered by API Gateway.
  if (route.auth !== 'none') codes.push('service_unavailable');
  if (route.auth === 'user') {
    codes.push('unauthorized', 'token_expired');
    if (!route.allowsStalePolicy) codes.push('policy_reconsent_required');
  }
  if (route.auth === 'hospital') codes.push('unauthorized', 'token_expired', 'insufficient_scope');
  if (closesOnWindDown(route)) codes.push('service_stopped');
  // From a network (resource policy) or a domain (the edge) the hospital integration does not accept.
  if (route.group === 'hospital') codes.push('forbidden');
  return codes;
}

/** Every problem a route can answer: its own and its kind's. */
export function routeProblems(route: RouteDefinition): ProblemCode[] {
  return [...new Set([...edgeProblems(route), ...route.problems])];
}
