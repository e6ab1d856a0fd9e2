import { oidcScopes } from '../core/config';
import { acrValues } from './assurance-levels';
import { scopeClaims } from './clients';
import type { OidcDeps } from './ports';

/** OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3): only what is implemented. */
export function discoveryDocument(deps: Pick<OidcDeps, 'issuer'>) {
  const at = (path: string) => `${deps.issuer}${path}`;
  return {
    issuer: deps.issuer,
    authorization_endpoint: at('/oidc/authorize'),
    token_endpoint: at('/oidc/token'),
    userinfo_endpoint: at('/oidc/userinfo'),
    jwks_uri: at('/.well-known/jwks.json'),
    revocation_endpoint: at('/oidc/revoke'),
    introspection_endpoint: at('/oidc/introspect'),
    end_session_endpoint: at('/oidc/logout'),
    scopes_supported: [...oidcScopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['pairwise', 'public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    acr_values_supported: Object.values(acrValues),
    claims_supported: [
      ...new Set([
        ...Object.values(scopeClaims).flat(),
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'acr',
        'amr',
        'sid',
        'azp',
        'at_hash',
      ]),
    ],
    prompt_values_supported: ['login', 'consent', 'none'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    ui_locales_supported: ['zh-CN', 'en'],
  };
}
