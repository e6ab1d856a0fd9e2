import type { RouteDefinition } from '../core/route';
import { verifiedIdentityResponse, verifyIdentityBody } from './schema';

const identityTouches = { table: 'readwrite', dataKey: 'both', appSecret: true, providers: true } as const;

/** Real-name verification (group `identity`). */
export const identityRoutes = {
  verifyIdentity: {
    method: 'POST',
    path: '/v1/me/identity/verify',
    group: 'identity',
    auth: 'user',
    summary: 'Real-name verification of this account: name and ID number checked by the provider',
    handler: 'identity/handlers/post-identity-verify',
    request: { body: verifyIdentityBody },
    responses: { 200: { body: verifiedIdentityResponse, description: 'Verified' } },
    problems: [
      'consent_required',
      'identity_invalid',
      'identity_minor',
      'identity_already_verified',
      'too_many_attempts',
      'verification_unavailable',
      'identity_mismatch',
      'identity_not_found',
      'identity_taken',
    ],
    touches: identityTouches,
  },
} as const satisfies Record<string, RouteDefinition>;
