/**
 * What the authorizer passes to routes (API Gateway simple-response context: flat strings and
 * booleans). `ok: false` carries the refusal's code so the route answers it as problem+json.
 */
export type AuthorizerContext =
  | {
      readonly ok: true;
      readonly userId: string;
      readonly sessionId: string;
      readonly amr: string;
      readonly code?: undefined;
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly userId?: undefined;
      readonly sessionId?: undefined;
      readonly amr?: undefined;
    };
