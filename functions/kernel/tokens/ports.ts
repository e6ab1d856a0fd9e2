export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly amr: readonly string[];
}

/** Port: signs access tokens (people's and hospitals') and publishes what verifies them. */
export interface TokenSigner {
  sign(payload: Record<string, unknown>): Promise<string>;
  /** The root keys that certify signing keys (current and still-trusted previous): the JWKS. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
}
