import * as z from 'zod/mini';
import { oidcScopes } from '../core/config';
import { int32, isoTime, list, meta, text, threeParts, url } from '../core/schema-parts';
import { acrValues } from './assurance-levels';

const clientId = () => text(64, { pattern: /^[a-z0-9-]{1,64}$/ });
/** Values an app chose (state, nonce): echoed, never interpreted; bounded like any input. */
const opaque = (description: string) => z.optional(text(512).check(meta({ description })));
const acr = () => z.enum(Object.values(acrValues) as [string, ...string[]]);

/**
 * The authorization endpoint's query. Every parameter is optional here: which are missing or
 * wrong is the endpoint's to answer, by a redirect to the app where the client and its redirect
 * URI are known (OpenID Connect Core 3.1.2.6), not by a 400 the app never sees.
 */
export const authorizeQuery = z.object({
  client_id: z.optional(text(64).check(meta({ description: 'A registered client' }))),
  redirect_uri: z.optional(
    text(512).check(meta({ description: "Exactly one of the client's redirect URIs" })),
  ),
  response_type: z.optional(text(32).check(meta({ description: 'Only `code`', example: 'code' }))),
  response_mode: z.optional(text(32).check(meta({ description: 'Only `query`' }))),
  scope: z.optional(
    text(256).check(meta({ description: `Space-separated: \`openid\` and any of ${oidcScopes.join(', ')}` })),
  ),
  state: opaque('Returned to the app unchanged'),
  nonce: opaque('Put in the ID token unchanged'),
  code_challenge: z.optional(
    text(128).check(meta({ description: 'PKCE (RFC 7636): BASE64URL(SHA-256(verifier))' })),
  ),
  code_challenge_method: z.optional(text(16).check(meta({ description: 'Only `S256`' }))),
  acr_values: z.optional(
    text(512).check(meta({ description: `Space-separated, any of: ${Object.values(acrValues).join(', ')}` })),
  ),
  max_age: z.optional(text(10).check(meta({ description: 'Seconds since the sign-in at most' }))),
  prompt: z.optional(
    text(64).check(meta({ description: '`login`, `consent`; `none` answers login_required' })),
  ),
  ui_locales: z.optional(text(64)),
  login_hint: z.optional(text(128)),
  request: z.optional(
    text(4096).check(meta({ description: 'Not supported: answered request_not_supported' })),
  ),
  request_uri: z.optional(text(512).check(meta({ description: 'Not supported' }))),
});

export const requestParams = z.strictObject({ requestId: text(22, { pattern: /^[\w-]{22}$/ }) });

const localized = () => z.object({ 'zh-CN': text(256), en: text(256) });

export const requestView = z
  .object({
    client: z.object({ id: clientId(), name: localized(), processor: localized() }),
    scopes: list(
      z.object({ scope: z.enum(oidcScopes), claims: list(text(32, { pattern: /^[a-z_]+$/ }), 8) }),
      oidcScopes.length,
    ),
    assurance: z.object({
      required: z.nullable(acr()),
      held: acr(),
      met: z.boolean(),
      next: z.nullable(z.enum(['real_name', 'real_person'])).check(
        meta({
          description:
            'What the person does to reach the level asked: verify the real name, then the face check',
        }),
      ),
    }),
    reauthenticate: z
      .boolean()
      .check(meta({ description: 'The app asks for a fresher sign-in than this session' })),
    alreadyShared: z.boolean().check(meta({ description: 'These scopes were shared with this app before' })),
    expiresAt: isoTime(),
  })
  .check(meta({ id: 'OidcAuthorizationRequest' }));

export const decisionBody = z
  .strictObject({ decision: z.enum(['approve', 'deny']) })
  .check(meta({ id: 'OidcDecision' }));

export const redirectResponse = z
  .object({
    redirectTo: url(2048).check(meta({ description: "The app's redirect URI with the code or the error" })),
  })
  .check(meta({ id: 'OidcRedirect' }));

/** Client authentication in the body (`client_secret_post`, or a public client's id). */
const clientFields = {
  client_id: z.optional(text(64)),
  client_secret: z.optional(text(256)),
};

export const tokenForm = z
  .object({
    grant_type: z
      .enum(['authorization_code'])
      .check(meta({ description: 'Only `authorization_code`', example: 'authorization_code' })),
    code: z.optional(text(128)),
    redirect_uri: z.optional(text(512)),
    code_verifier: z.optional(text(128, { pattern: /^[A-Za-z0-9._~-]{43,128}$/ })),
    ...clientFields,
  })
  .check(meta({ id: 'OidcTokenRequest' }));

export const tokenResponse = z
  .object({
    access_token: threeParts(4096),
    token_type: z.literal('Bearer'),
    expires_in: int32(1, 3600),
    id_token: threeParts(8192),
    scope: text(256, { pattern: /^[a-z ]*$/ }),
  })
  .check(meta({ id: 'OidcTokens' }));

export const tokenInputForm = z
  .object({
    token: text(4096),
    token_type_hint: z.optional(text(32)),
    ...clientFields,
  })
  .check(meta({ id: 'OidcTokenInput' }));

export const introspectionResponse = z
  .object({
    active: z.boolean(),
    scope: z.optional(text(256)),
    client_id: z.optional(clientId()),
    sub: z.optional(text(64)),
    aud: z.optional(clientId()),
    iss: z.optional(url(256)),
    exp: z.optional(int32()),
    iat: z.optional(int32()),
    token_type: z.optional(z.literal('Bearer')),
    acr: z.optional(acr()),
    auth_time: z.optional(int32()),
  })
  .check(meta({ id: 'OidcIntrospection' }));

export const userInfoResponse = z
  .object({
    sub: text(64).check(meta({ description: 'Pairwise: this app’s own subject for the person' })),
    name: z.optional(
      text(64).check(meta({ description: 'The real name the real-name check confirmed (`profile`)' })),
    ),
    birthdate: z.optional(text(10, { pattern: /^\d{4}-\d{2}-\d{2}$/ })),
    phone_number: z.optional(text(24, { pattern: /^\+\d{6,20}$/ })),
    phone_number_verified: z.optional(z.boolean()),
  })
  .check(meta({ id: 'OidcUserInfo' }));

export const logoutQuery = z.object({
  id_token_hint: z.optional(text(8192)),
  post_logout_redirect_uri: z.optional(text(512)),
  state: opaque('Returned with the redirect'),
  client_id: z.optional(text(64)),
  ui_locales: z.optional(text(64)),
});

export const discoveryResponse = z
  .object({
    issuer: url(256),
    authorization_endpoint: url(512),
    token_endpoint: url(512),
    userinfo_endpoint: url(512),
    jwks_uri: url(512),
    revocation_endpoint: url(512),
    introspection_endpoint: url(512),
    end_session_endpoint: url(512),
    scopes_supported: list(text(32), 8),
    response_types_supported: list(text(32), 4),
    response_modes_supported: list(text(32), 4),
    grant_types_supported: list(text(32), 4),
    subject_types_supported: list(text(32), 4),
    id_token_signing_alg_values_supported: list(text(16), 4),
    token_endpoint_auth_methods_supported: list(text(32), 4),
    revocation_endpoint_auth_methods_supported: list(text(32), 4),
    introspection_endpoint_auth_methods_supported: list(text(32), 4),
    code_challenge_methods_supported: list(text(16), 4),
    acr_values_supported: list(acr(), 4),
    claims_supported: list(text(32), 16),
    prompt_values_supported: list(text(16), 4),
    claims_parameter_supported: z.boolean(),
    request_parameter_supported: z.boolean(),
    request_uri_parameter_supported: z.boolean(),
    authorization_response_iss_parameter_supported: z.boolean(),
    ui_locales_supported: list(text(8), 4),
  })
  .check(meta({ id: 'OpenIdConfiguration' }));

export const connectedAppsResponse = z
  .object({
    apps: list(
      z.object({
        client: z.object({ id: clientId(), name: localized() }),
        scopes: list(z.enum(oidcScopes), oidcScopes.length),
        since: isoTime(),
      }),
      100,
    ),
  })
  .check(meta({ id: 'ConnectedApps' }));

export const connectedAppParams = z.strictObject({ clientId: clientId() });
