export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly amr: readonly string[];
}

/** Port: signs access tokens (people's and hospitals') and publishes what verifies them. */
export interface TokenSigner {
  /** `typ` is `JWT` unless asked: `at+jwt` for an OpenID client's access token (RFC 9068). */
  sign(payload: Record<string, unknown>, options?: { readonly typ?: 'JWT' | 'at+jwt' }): Promise<string>;
  /** The published JWKS: every key that signs (each under its own `kid`), and the roots. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  /** The root keys that certify signing keys (current and still-trusted previous). */
  roots(): Promise<{ keys: Record<string, unknown>[] }>;
}
