import { AppError } from './errors';
import { renderProblem } from './problem';

/**
 * What API Gateway answers itself, before or instead of a function: each as problem+json with a
 * stable code, like every other answer. CDK installs these as the REST API's gateway responses
 * (the request id filled in by API Gateway); the local server answers the same in the same cases.
 */
export const gatewayResponses = [
  /** A resource policy refused the caller (the hospital routes from an unregistered network). */
  { type: 'ACCESS_DENIED', code: 'forbidden' },
  /** AWS WAF blocked the request. */
  { type: 'WAF_FILTERED', code: 'request_blocked' },
  /** The authorizer failed (its store or KMS unreachable): nobody is let in, nobody is told why. */
  { type: 'AUTHORIZER_FAILURE', code: 'service_unavailable' },
  { type: 'AUTHORIZER_CONFIGURATION_ERROR', code: 'internal_error' },
  { type: 'THROTTLED', code: 'rate_limited', retryAfter: 1 },
  { type: 'REQUEST_TOO_LARGE', code: 'payload_too_large' },
  { type: 'INTEGRATION_TIMEOUT', code: 'gateway_timeout' },
  { type: 'INTEGRATION_FAILURE', code: 'internal_error' },
  { type: 'UNAUTHORIZED', code: 'unauthorized' },
  /** A path no resource matches (only the root: everything else reaches the catch-all). */
  { type: 'MISSING_AUTHENTICATION_TOKEN', code: 'not_found' },
  { type: 'DEFAULT_4XX', code: 'invalid_request' },
  { type: 'DEFAULT_5XX', code: 'internal_error' },
] as const;

export type GatewayResponseType = (typeof gatewayResponses)[number]['type'];

/** The response API Gateway gives for `type`, with `requestId` as given (`$context.requestId` in CDK). */
export function gatewayProblem(type: GatewayResponseType, requestId: string) {
  const spec: (typeof gatewayResponses)[number] = gatewayResponses.find((r) => r.type === type) ?? {
    type: 'DEFAULT_5XX',
    code: 'internal_error',
  };
  return renderProblem(new AppError(spec.code, 'retryAfter' in spec ? { retryAfter: spec.retryAfter } : {}), {
    requestId,
    lang: 'zh-CN',
  });
}
