import type { RouteDefinition } from '../core/route';
import {
  attestationCodeBody,
  attestationCodeResponse,
  identityStatusResponse,
  livenessParams,
  livenessPassedResponse,
  startedLivenessResponse,
  startLivenessBody,
} from './schema';

const assuranceTouches = { table: 'readwrite', dataKey: 'both', appSecret: true, providers: true } as const;

/** Real-person verification: face liveness and counter attestation (group `identity`). */
export const assuranceRoutes = {
  getIdentity: {
    method: 'GET',
    path: '/v1/me/identity',
    group: 'identity',
    auth: 'user',
    summary: "This account's verification: masked identity and its assurance (two-element or real person)",
    handler: 'assurance/handlers/get-identity',
    responses: { 200: { body: identityStatusResponse, description: 'The verification status' } },
    problems: [],
    touches: { table: 'read' },
  },
  startLiveness: {
    method: 'POST',
    path: '/v1/me/identity/liveness',
    group: 'identity',
    auth: 'user',
    summary:
      'Starts a face check (实人认证) of the verified account holder, or of a child under 14 on a card: the provider page or SDK token',
    handler: 'assurance/handlers/post-liveness',
    request: { body: startLivenessBody },
    responses: {
      201: {
        body: startedLivenessResponse,
        description: 'Started: open the page or pass the token to the SDK',
      },
    },
    problems: [
      'consent_required',
      'real_name_required',
      'hospital_not_found',
      'card_not_found',
      'liveness_self_only',
      'liveness_document_problem',
      'guardian_consent_required',
      'liveness_redirect_not_allowed',
      'liveness_meta_required',
      'too_many_attempts',
      'liveness_unavailable',
    ],
    touches: assuranceTouches,
  },
  livenessResult: {
    method: 'POST',
    path: '/v1/me/identity/liveness/{livenessId}/result',
    group: 'identity',
    auth: 'user',
    summary:
      "A face check's outcome, pulled from the provider by the server (never read from the return page's query string)",
    handler: 'assurance/handlers/post-liveness-result',
    request: { params: livenessParams },
    responses: {
      200: { body: livenessPassedResponse, description: 'Passed: the assurance is now real_person' },
    },
    problems: [
      'liveness_not_found',
      'liveness_unfinished',
      'liveness_expired',
      'liveness_abandoned',
      'identity_mismatch',
      'liveness_not_live',
      'liveness_face_mismatch',
      'liveness_no_record',
      'liveness_document_problem',
      'liveness_failed',
      'too_many_attempts',
      'liveness_unavailable',
    ],
    touches: assuranceTouches,
  },
  issueAttestationCode: {
    method: 'POST',
    path: '/v1/me/identity/attestation-codes',
    group: 'identity',
    auth: 'user',
    summary:
      'A 10-minute code (and QR) naming the account holder, or one card’s person, for the staff at a hospital counter to attest with the person’s document',
    handler: 'assurance/handlers/post-attestation-code',
    request: { body: attestationCodeBody },
    responses: { 201: { body: attestationCodeResponse, description: 'Show it at the counter' } },
    problems: ['real_name_required', 'card_not_found', 'hospital_not_found', 'too_many_attempts'],
    // Opens a card to check it is the account's; stores nothing sealed.
    touches: { table: 'readwrite', dataKey: 'decrypt', appSecret: true },
  },
} as const satisfies Record<string, RouteDefinition>;
