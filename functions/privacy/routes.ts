import { pageQuery } from '../core/pagination';
import type { RouteDefinition, Touches, WorkerDefinition } from '../core/route';
import { codeProblems, loginTouches } from '../core/touches';
import {
  consentBody,
  consentResponse,
  consentsResponse,
  deletionBody,
  exportResponse,
  myRequestBody,
  policyResponse,
  privacyRequestBody,
  requestParams,
  rightsRequestResponse,
  rightsRequestsResponse,
} from './schema';

/** Consent, access and copy, rights requests and account deletion (group `privacy`). */
export const privacyRoutes = {
  currentPolicy: {
    method: 'GET',
    path: '/v1/policies/current',
    group: 'privacy',
    auth: 'none',
    summary: 'The current privacy-policy version and the purposes that need separate consent',
    handler: 'privacy/handlers/get-policy',
    responses: { 200: { body: policyResponse, description: 'The policy' } },
    problems: [],
    touches: {},
  },
  recordConsent: {
    method: 'POST',
    path: '/v1/me/consents',
    openDuringWindDown: true,
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'Give or withdraw (accepted: false) consent to a purpose under the current policy; effective at once',
    handler: 'privacy/handlers/post-consent',
    request: { body: consentBody },
    responses: { 201: { body: consentResponse, description: 'Recorded' } },
    problems: ['policy_version_outdated'],
    touches: { table: 'readwrite', appSecret: true },
  },
  exportMyData: {
    method: 'GET',
    path: '/v1/me/export',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'Everything held about me, unmasked, with the audit trail of who read it (audited)',
    handler: 'privacy/handlers/get-export',
    responses: { 200: { body: exportResponse, description: 'The export' } },
    problems: [],
    touches: { table: 'readwrite', dataKey: 'decrypt', appSecret: true },
  },
  listConsents: {
    method: 'GET',
    path: '/v1/me/consents',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'The account’s consent history (append-only)',
    handler: 'privacy/handlers/get-consents',
    request: { query: pageQuery },
    responses: { 200: { body: consentsResponse, description: 'The history' } },
    problems: [],
    touches: { table: 'read' },
  },
  requestDeletion: {
    method: 'POST',
    path: '/v1/me/deletion',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'Close the account and delete its data (step-up code): signs out everywhere at once, each HIS unbinds, done within minutes',
    handler: 'privacy/handlers/post-deletion',
    request: { body: deletionBody },
    responses: { 202: { body: rightsRequestResponse, description: 'Closed; deletion under way' } },
    problems: [...codeProblems, 'step_up_required', 'deletion_in_progress'],
    touches: loginTouches,
  },
  listMyRequests: {
    method: 'GET',
    path: '/v1/me/requests',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary: 'My rights requests, their status and due dates',
    handler: 'privacy/handlers/get-my-requests',
    request: { query: pageQuery },
    responses: { 200: { body: rightsRequestsResponse, description: 'The requests' } },
    problems: [],
    touches: { table: 'read', dataKey: 'decrypt' },
  },
  submitMyRequest: {
    method: 'POST',
    path: '/v1/me/requests',
    openDuringWindDown: true,
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'A request our staff answer (an objection to a processing, anything else), due in 15 working days',
    handler: 'privacy/handlers/post-my-request',
    request: { body: myRequestBody },
    responses: { 202: { body: rightsRequestResponse, description: 'Received' } },
    problems: ['rate_limited'],
    touches: { table: 'readwrite', dataKey: 'both', appSecret: true },
  },
  submitPrivacyRequest: {
    method: 'POST',
    path: '/v1/privacy/requests',
    group: 'privacy',
    auth: 'none',
    summary:
      'A rights request a person handles (a deceased user’s relative, a lost account): contact proven by SMS code, due in 15 working days',
    handler: 'privacy/handlers/post-privacy-request',
    request: { body: privacyRequestBody },
    responses: { 202: { body: rightsRequestResponse, description: 'Received' } },
    problems: [...codeProblems, 'rate_limited'],
    touches: loginTouches,
  },
  privacyRequestStatus: {
    method: 'GET',
    path: '/v1/privacy/requests/{requestId}',
    group: 'privacy',
    auth: 'none',
    summary:
      'Status of a rights request by its id (no personal data): how a closed account follows its deletion',
    handler: 'privacy/handlers/get-privacy-request',
    request: { params: requestParams },
    responses: { 200: { body: rightsRequestResponse, description: 'The status' } },
    problems: ['request_not_found'],
    touches: { table: 'read', dataKey: 'decrypt' },
  },
} as const satisfies Record<string, RouteDefinition>;

export const privacyWorkers = {
  /**
   * Scheduled privacy jobs: account deletions (each minute: release cards at the HIS, erase items)
   * and retention (hourly: strip expired access data, delete dead sessions, report overdue requests),
   * and incident notices (each minute: the SMS each notified person gets, the report clocks).
   */
  privacyJobs: {
    group: 'privacy-jobs',
    handler: 'privacy/handlers/privacy-jobs',
    trigger: 'schedule',
    touches: {
      table: 'readwrite',
      dataKey: 'both',
      appSecret: true,
      providers: true,
    } satisfies Touches,
  },
} as const satisfies Record<string, WorkerDefinition>;
