import { pageQuery } from '../core/pagination';
import type { RouteDefinition, Touches, WorkerDefinition } from '../core/route';
import { cardTouches, codeProblems, sendProblems } from '../core/touches';
import {
  cardDetailResponse,
  cardParams,
  cardProofSendBody,
  cardProofSent,
  cardProofVerifyBody,
  cardResponse,
  cardsResponse,
  createCardBody,
  createCardHeaders,
  hospitalsResponse,
  updateCardBody,
} from './schema';
import { cardChanges } from './stream-filter';

/** Medical cards (group `cards`). */
export const cardRoutes = {
  listHospitals: {
    method: 'GET',
    path: '/v1/hospitals',
    group: 'cards',
    auth: 'user',
    summary: 'Hospitals that issue medical cards here, with their card limits',
    handler: 'cards/handlers/get-hospitals',
    responses: { 200: { body: hospitalsResponse, description: 'The hospitals' } },
    problems: [],
    touches: {},
  },
  createCard: {
    method: 'POST',
    path: '/v1/me/cards',
    group: 'cards',
    auth: 'user',
    summary: 'Add a medical card for the holder or a relative (Idempotency-Key header)',
    handler: 'cards/handlers/post-card',
    request: { body: createCardBody, headers: createCardHeaders },
    responses: {
      201: { body: cardResponse, description: 'Created and registered with the HIS' },
      202: {
        body: cardResponse,
        description:
          'Created; the HIS registers it (status pending), or it had the patient already and the binding needs proof (awaiting_proof)',
      },
      200: { body: cardResponse, description: 'The card this Idempotency-Key and body already made' },
    },
    problems: [
      'idempotency_key_required',
      'hospital_not_found',
      'real_name_required',
      'real_person_required',
      'consent_required',
      'card_invalid',
      'phone_invalid',
      'self_mismatch',
      'too_many_attempts',
      'verification_unavailable',
      'identity_mismatch',
      'identity_not_found',
      'identity_invalid',
      'minor_relationship',
      'guardian_consent_required',
      'card_exists',
      'card_limit_reached',
      'idempotency_key_reused',
    ],
    touches: cardTouches,
  },
  listCards: {
    method: 'GET',
    path: '/v1/me/cards',
    group: 'cards',
    auth: 'user',
    summary: 'The account’s medical cards, masked',
    handler: 'cards/handlers/get-cards',
    request: { query: pageQuery },
    responses: { 200: { body: cardsResponse, description: 'The cards' } },
    problems: [],
    touches: cardTouches,
  },
  getCard: {
    method: 'GET',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'One card in full, for its owner (audited)',
    handler: 'cards/handlers/get-card',
    request: { params: cardParams },
    responses: { 200: { body: cardDetailResponse, description: 'The card' } },
    problems: ['card_not_found'],
    touches: cardTouches,
  },
  updateCard: {
    method: 'PATCH',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'Change a card’s phone or insurance type (the HIS is told first)',
    handler: 'cards/handlers/patch-card',
    request: { params: cardParams, body: updateCardBody },
    responses: { 200: { body: cardResponse, description: 'Changed' } },
    problems: ['card_not_found', 'phone_invalid', 'his_unavailable', 'card_changed'],
    touches: cardTouches,
  },
  unbindCard: {
    method: 'DELETE',
    path: '/v1/me/cards/{cardId}',
    group: 'cards',
    auth: 'user',
    summary: 'Unbind a card (the HIS is told)',
    handler: 'cards/handlers/delete-card',
    request: { params: cardParams },
    responses: { 204: { description: 'Unbound' } },
    problems: ['card_not_found', 'his_unavailable'],
    touches: cardTouches,
  },
  sendCardProof: {
    method: 'POST',
    path: '/v1/me/cards/{cardId}/proof',
    group: 'cards',
    auth: 'user',
    summary:
      'A card awaiting proof (the hospital already had the patient): send a code to the mobile the hospital holds for the patient',
    handler: 'cards/handlers/post-card-proof',
    request: { params: cardParams, body: cardProofSendBody },
    responses: { 202: { body: cardProofSent, description: 'The code is on its way to the mobile on file' } },
    problems: ['card_not_found', 'card_proof_not_needed', 'card_proof_at_counter', ...sendProblems],
    touches: cardTouches,
  },
  verifyCardProof: {
    method: 'POST',
    path: '/v1/me/cards/{cardId}/proof/verify',
    group: 'cards',
    auth: 'user',
    summary:
      'Prove a card’s binding with the code sent to the patient’s mobile on file: the card becomes active',
    handler: 'cards/handlers/post-card-proof-verify',
    request: { params: cardParams, body: cardProofVerifyBody },
    responses: { 200: { body: cardResponse, description: 'Proven: the card is active' } },
    problems: ['card_not_found', 'card_proof_not_needed', 'card_proof_at_counter', ...codeProblems],
    touches: cardTouches,
  },
} as const satisfies Record<string, RouteDefinition>;

/** What runs behind the card routes: HIS registration, the change follower, webhook delivery. */
export const cardWorkers = {
  /** Registers cards with each HIS, retrying with backoff (SQS). */
  registration: {
    group: 'registration',
    handler: 'cards/handlers/registration-worker',
    trigger: 'queue',
    queue: 'registration',
    touches: {
      table: 'readwrite',
      dataKey: 'both',
      appSecret: true,
      providers: true,
      queue: true,
    } satisfies Touches,
  },
  /** Follows committed card changes (the table's stream): registration jobs and card events. */
  cardChanges: {
    group: 'card-changes',
    handler: 'cards/handlers/card-changes',
    trigger: 'stream',
    stream: cardChanges,
    touches: { queue: true, events: true } satisfies Touches,
  },
  /** Delivers card events to hospital webhooks; writes dead letters to the table. */
  webhooks: {
    group: 'webhooks',
    handler: 'cards/handlers/webhook-worker',
    trigger: 'queue',
    queue: 'webhooks',
    touches: { table: 'readwrite', providers: true } satisfies Touches,
  },
} as const satisfies Record<string, WorkerDefinition>;
