export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly amr: readonly string[];
}

/** Port: signs access tokens (people's and hospitals') and publishes what verifies them. */
export interface TokenSigner {
  sign(payload: Record<string, unknown>): Promise<string>;
  /** The published JWKS: every key that signs (each under its own `kid`), and the roots. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  /** The root keys that certify signing keys (current and still-trusted previous). */
  roots(): Promise<{ keys: Record<string, unknown>[] }>;
}
