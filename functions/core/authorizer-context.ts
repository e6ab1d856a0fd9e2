/** A signed-in person, as the authorizer verified them for this request. */
export interface Identity {
  readonly userId: string;
  readonly sessionId: string;
  readonly amr: readonly string[];
  /** The policy version the person last accepted, as the authorizer read it for this request. */
  readonly policyVersion?: string;
}

/**
 * What the authorizer passes to routes (an API Gateway authorizer context: flat strings, numbers
 * and booleans, which a REST API hands the route as strings). `ok: false` carries the refusal's
 * code so the route answers it as problem+json.
 */
export type AuthorizerContext =
  | {
      readonly ok: true;
      readonly kind: 'user';
      readonly userId: string;
      readonly sessionId: string;
      readonly amr: string;
      /** The privacy-policy version the person last accepted ('' when unknown). */
      readonly policyVersion: string;
    }
  | {
      readonly ok: true;
      readonly kind: 'hospital';
      readonly clientId: string;
      readonly hospitalId: string;
      /** Space-separated scopes. */
      readonly scope: string;
    }
  | { readonly ok: false; readonly code: string };

/**
 * The authorizer's verdict as a route receives it (`requestContext.authorizer`): API Gateway REST
 * APIs turn every context value into a string, so `ok` arrives as `"true"` or `"false"`.
 */
export function readVerdict(
  raw: Readonly<Record<string, unknown>> | null | undefined,
): AuthorizerContext | undefined {
  if (!raw) return undefined;
  const text = (name: string) => (raw[name] === undefined || raw[name] === null ? '' : String(raw[name]));
  const ok = text('ok');
  if (ok === 'false') return { ok: false, code: text('code') };
  if (ok !== 'true') return undefined;
  if (text('kind') === 'user') {
    return {
      ok: true,
      kind: 'user',
      userId: text('userId'),
      sessionId: text('sessionId'),
      amr: text('amr'),
      policyVersion: text('policyVersion'),
    };
  }
  if (text('kind') === 'hospital') {
    return {
      ok: true,
      kind: 'hospital',
      clientId: text('clientId'),
      hospitalId: text('hospitalId'),
      scope: text('scope'),
    };
  }
  return undefined;
}
