import { createDocument } from 'zod-openapi';
import { problemSchema } from './problem';
import type { RouteDefinition } from './route';

type ZodOpenApiDocument = Parameters<typeof createDocument>[0];
type Operation = NonNullable<NonNullable<ZodOpenApiDocument['paths']>[string]['get']>;

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The OpenAPI 3.1 document for a route table: one operation per entry, problems for every error. */
export function buildOpenApiDocument(
  routes: ReadonlyArray<RouteDefinition & { id: string }>,
  version: string,
) {
  const paths: NonNullable<ZodOpenApiDocument['paths']> = {};
  for (const route of routes) {
    const operation: Operation = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.group],
      ...(route.auth === 'user' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(route.request?.query || route.request?.params
        ? {
            requestParams: {
              ...(route.request.query ? { query: route.request.query } : {}),
              ...(route.request.params ? { path: route.request.params } : {}),
            },
          }
        : {}),
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
      responses: {
        [String(route.response.status)]: {
          description: route.summary,
          ...(route.response.body
            ? { content: { 'application/json': { schema: route.response.body } } }
            : {}),
        },
        '4XX': { description: 'Problem (RFC 9457) with a stable code', content: problemContent },
        '5XX': { description: 'Problem with a request id only', content: problemContent },
      },
    };
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    paths[route.path] = { ...paths[route.path], [method]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'patient-onboarding',
      version,
      description:
        'Patient onboarding for hospitals in mainland China: login, real-name verification, medical cards.',
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  });
}
