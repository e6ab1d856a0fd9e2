import type { OidcClientConfig } from '../core/config';
import { AppError } from '../core/errors';
import { parseBasicCredentials, secretMatches } from '../kernel/client-credentials';
import { rateScopes } from '../store/keys';
import { isPublicClient, registeredClient } from './clients';
import type { OidcDeps } from './ports';

/** How a client said who it is at the token, introspection or revocation endpoint. */
export interface ClientCredentials {
  readonly authorization?: string | undefined;
  /** `client_secret_post` (or a public client's `client_id` alone). */
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}

/** The credentials of a request to a client-authenticated endpoint (its header and form). */
export function credentialsOf(request: {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: { readonly client_id?: string | undefined; readonly client_secret?: string | undefined };
}): ClientCredentials {
  return {
    authorization: request.headers.authorization,
    clientId: request.body.client_id,
    clientSecret: request.body.client_secret,
  };
}

const invalidClient = () =>
  new AppError('invalid_client', { headers: { 'www-authenticate': 'Basic realm="oidc"' } });

/**
 * OAuth 2.0 client authentication (RFC 6749 2.3): `client_secret_basic` or `client_secret_post`
 * for confidential clients, `none` for public ones (which PKCE alone protects). One method per
 * request (2.3: never both). Unknown client, wrong secret, a secret from a public client or none
 * from a confidential one: 401 `invalid_client`, the same answer for each. Wrong secrets count
 * per (client id, network); over the window that network's wrong secrets get 429, and the right
 * secret still passes, so a stranger cannot lock the app out. With `confidentialOnly` (the
 * introspection endpoint, for resource servers, which hold a secret) a public app is no client.
 */
export async function authenticateClient(
  deps: Pick<OidcDeps, 'config' | 'clock' | 'limiter'>,
  credentials: ClientCredentials,
  ipPrefix: string,
  options: { readonly confidentialOnly?: boolean } = {},
): Promise<OidcClientConfig> {
  const basic = credentials.authorization ? parseBasicCredentials(credentials.authorization) : undefined;
  if (credentials.authorization && !basic) throw invalidClient();
  if (
    basic &&
    (credentials.clientSecret !== undefined || (credentials.clientId ?? basic.clientId) !== basic.clientId)
  )
    throw invalidClient();
  const clientId = basic?.clientId ?? credentials.clientId;
  const secret = basic?.secret ?? credentials.clientSecret;
  const client = registeredClient(deps.config, clientId);
  if (client && isPublicClient(client) && secret === undefined) {
    if (options.confidentialOnly) throw invalidClient();
    return client;
  }
  const now = deps.clock.now().getTime();
  if (
    !client ||
    secret === undefined ||
    isPublicClient(client) ||
    !secretMatches(client.secretHashes, secret)
  ) {
    const attempt = await deps.limiter.hit(
      {
        scope: rateScopes.oidcClientFailures,
        key: `${clientId ?? ''}|${ipPrefix}`,
        ...deps.config.failedClientAuth,
      },
      now,
    );
    if (!attempt.allowed) throw new AppError('rate_limited', { retryAfter: attempt.retryAfter });
    throw invalidClient();
  }
  return client;
}
