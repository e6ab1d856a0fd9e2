import type { z } from 'zod';

/**
 * The shape of one route-table entry. Entries are data: CDK, the local server and the OpenAPI
 * generator read them; handlers look up their own entry by id for schemas.
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
  /** For `hospital` routes: the scope the token must carry. */
  readonly scope?: 'patients:read' | 'events:read';
  readonly summary: string;
  /** Module under functions/ (no extension) exporting `handler`. */
  readonly handler: string;
  readonly request?: {
    readonly body?: z.ZodType;
    /** `form` for application/x-www-form-urlencoded (the OAuth token endpoint); JSON otherwise. */
    readonly bodyFormat?: 'json' | 'form';
    readonly query?: z.ZodObject;
    readonly params?: z.ZodObject;
  };
  /** Success status and schema; errors are always problem+json. */
  readonly response: { readonly status: number; readonly body?: z.ZodType };
  readonly touches: Touches;
}

export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
