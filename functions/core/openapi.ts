import * as z from 'zod/mini';
import { createDocument } from 'zod-openapi';
import { type ProblemCode, problemCatalog, problemSpec } from './messages';
import { FHIR_CONTENT_TYPE, operationOutcomeSchema } from './operation-outcome';
import { problemSchemaFor } from './problem';
import { type RouteDefinition, routeProblems } from './route';
import { meta, text } from './schema-parts';

type ZodOpenApiDocument = Parameters<typeof createDocument>[0];
type Operation = NonNullable<NonNullable<ZodOpenApiDocument['paths']>[string]['get']>;
type Responses = Operation['responses'];

/** Each status's problem, its `code` an enum of every catalogue code answered with that status. */
const problemContentByStatus = new Map<
  number,
  { 'application/problem+json': { schema: ReturnType<typeof problemSchemaFor> } }
>();
function problemContent(status: number) {
  let content = problemContentByStatus.get(status);
  if (!content) {
    const codes = Object.keys(problemCatalog).filter((code) => problemSpec(code).status === status);
    content = { 'application/problem+json': { schema: problemSchemaFor(status, codes) } };
    problemContentByStatus.set(status, content);
  }
  return content;
}
/** Every operation answers in the language asked for (zh-CN, else en); problems say which. */
const languageHeader = z.object({
  'accept-language': z.optional(
    text(256, { pattern: /^[\w\-,;=. *]+$/ }).check(
      meta({
        description: 'zh-CN (the default) or en, as an Accept-Language list',
        example: 'zh-CN,zh;q=0.9,en;q=0.5',
      }),
    ),
  ),
});
const contentLanguage = {
  'Content-Language': {
    description: 'The language of `title` and `detail`: zh-CN or en',
    schema: { type: 'string' as const, enum: ['zh-CN', 'en'] },
  },
};

const outcomeContent = { [FHIR_CONTENT_TYPE]: { schema: operationOutcomeSchema } };

/** What each group of routes is for: the document's tags. */
const GROUPS: Readonly<Record<string, string>> = {
  system: 'Health and this description',
  auth: 'SMS login, tokens and sessions',
  account: 'The signed-in account: sessions, phone change and recovery',
  oauth: 'WeChat, QQ and Weibo login and linking',
  cards: 'Medical cards (就诊卡) and their registration with each HIS',
  hospital: 'The API for hospital systems: client credentials, patients as JSON and FHIR R4, events',
  privacy: 'Consent, access and copy, rights requests and account deletion (PIPL)',
  identity: 'Real-name verification',
  oidc: "OpenID Connect for the hospital's own apps: discovery, code flow with PKCE, UserInfo, introspection, revocation, logout, connected apps",
};

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' as const, format: 'int32', minimum: 1, maximum: 86_400 },
  },
};

/**
 * The problems a route can answer, by status, each described with its codes. 429 is on every
 * operation (API Gateway throttles any of them) and 500 too.
 */
function problemResponses(route: RouteDefinition): Responses {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of routeProblems(route)) {
    const status = problemSpec(code).status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  if (!byStatus.has(429)) byStatus.set(429, []);
  const responses: Responses = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const named = codes.map((c) => `\`${c}\``).join(', ');
    responses[String(status) as '400'] = {
      description:
        status === 429 && codes.length === 0
          ? 'Throttled by the gateway: retry after the time given'
          : status === 500
            ? 'Our failure: a bare problem with the request id'
            : `Problem: ${named}`,
      headers: status === 429 ? { ...retryAfter, ...contentLanguage } : contentLanguage,
      content:
        route.format === 'fhir'
          ? outcomeContent
          : route.format === 'oauth'
            ? { 'application/json': problemContent(status)['application/problem+json'] }
            : problemContent(status),
    };
  }
  return responses;
}

/** The OpenAPI 3.1 document for a route table: one operation per entry, every answer it gives. */
export function buildOpenApiDocument(
  routes: ReadonlyArray<RouteDefinition & { id: string }>,
  version: string,
) {
  const paths: NonNullable<ZodOpenApiDocument['paths']> = {};
  for (const route of routes) {
    const successes: Responses = {};
    for (const [status, success] of Object.entries(route.responses)) {
      successes[status as '200'] = {
        description: success?.description ?? route.summary,
        ...(success?.headers ? { headers: success.headers } : {}),
        ...(success?.body
          ? {
              content: {
                [route.format === 'fhir' ? FHIR_CONTENT_TYPE : 'application/json']: { schema: success.body },
              },
            }
          : {}),
      };
    }
    const operation: Operation = {
      operationId: route.id,
      summary: route.summary,
      description: route.summary,
      tags: [route.group],
      security:
        route.auth === 'user'
          ? [{ bearerAuth: [] }]
          : route.auth === 'hospital'
            ? [{ hospitalOAuth: route.scope ? [route.scope] : [] }]
            : route.id === 'hospitalToken'
              ? [{ clientBasic: [] }]
              : route.id === 'oidcToken' || route.id === 'oidcRevoke'
                ? // Confidential apps authenticate; a public one sends its client_id (PKCE protects it).
                  [{ clientBasic: [] }, {}]
                : route.id === 'oidcIntrospect'
                  ? [{ clientBasic: [] }]
                  : route.id === 'oidcUserInfo'
                    ? [{ oidcAccess: [] }]
                    : [],
      requestParams: {
        ...(route.request?.query ? { query: route.request.query } : {}),
        ...(route.request?.params ? { path: route.request.params } : {}),
        header: route.request?.headers
          ? z.object({ ...route.request.headers._zod.def.shape, ...languageHeader.shape })
          : languageHeader,
      },
      ...(route.request?.body
        ? {
            requestBody: {
              required: true,
              content: {
                [route.request.bodyFormat === 'form'
                  ? 'application/x-www-form-urlencoded'
                  : 'application/json']: {
                  schema: route.request.body,
                },
              },
            },
          }
        : {}),
      responses: { ...successes, ...problemResponses(route) },
    };
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    paths[route.path] = { ...paths[route.path], [method]: operation };
  }
  const groups = [...new Set(routes.map((r) => r.group))];
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'patient-onboarding',
      version,
      description:
        'Patient onboarding for hospitals in mainland China: login, real-name verification, medical cards. Every string of a request (body, query and path, object keys too) is refused with 400 `invalid_request` and the issue `unsafe_characters` when it holds a character of the Unicode classes in `x-refused-characters` (controls, format characters such as bidi overrides and zero-width spaces, line and paragraph separators, surrogates, private use).',
      'x-refused-characters': '[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Co}]',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      contact: { name: 'patient-onboarding', url: 'https://app.patient-onboarding.cn/' },
    },
    // Production and the local runtime alike serve at their own origin.
    servers: [{ url: '/', description: "Production: this API's own origin", 'x-internal': false }],
    tags: groups.map((name) => ({ name, description: GROUPS[name] ?? name })),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A person's access token: a JWS (ES256 only, never `none`), 15 minutes, issuer and audience checked, conforming to RFC8725",
        },
        hospitalOAuth: {
          type: 'oauth2',
          description:
            "A hospital client's token: OAuth 2.0 client credentials at the token endpoint, a JWS (ES256 only), 5 minutes, conforming to RFC8725",
          flows: {
            clientCredentials: {
              tokenUrl: '/v1/hospital/oauth/token',
              scopes: {
                'patients:read': "Read the hospital's own patients (JSON and FHIR), audited",
                'events:read': "Pull the hospital's card events",
                'identity:attest': 'Attest a person at the counter',
              },
            },
          },
        },
        oidcAccess: {
          type: 'openIdConnect',
          openIdConnectUrl: '/.well-known/openid-configuration',
          description:
            "An app's access token from the OpenID provider (RFC 9068 `at+jwt`, ES256, audience the app), for UserInfo",
        },
        clientBasic: {
          type: 'http',
          scheme: 'basic',
          description:
            'OAuth 2.0 client authentication (client_secret_basic, RFC 6749 2.3.1) at the token endpoint only',
        },
      },
    },
    paths,
  });
}
