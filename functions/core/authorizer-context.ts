/** A signed-in person, as the authorizer verified them for this request. */
export interface Identity {
  readonly userId: string;
  readonly sessionId: string;
  readonly amr: readonly string[];
  /** The policy version the person last accepted, as the authorizer read it for this request. */
  readonly policyVersion?: string;
}

/**
 * What the authorizer passes to routes (API Gateway simple-response context: flat strings and
 * booleans). `ok: false` carries the refusal's code so the route answers it as problem+json.
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
