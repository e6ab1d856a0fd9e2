import { pageQuery } from '../core/pagination';
import type { RouteDefinition } from '../core/route';
import { noticesResponse } from './schema';

/** A person's notices inbox (served by the privacy group's function). */
export const incidentRoutes = {
  listMyNotices: {
    method: 'GET',
    path: '/v1/me/notices',
    group: 'privacy',
    auth: 'user',
    allowsStalePolicy: true,
    summary:
      'My notices: a security incident that involved my information (PIPL art. 57), as each was sent, newest first',
    handler: 'incident/handlers/get-notices',
    request: { query: pageQuery },
    responses: { 200: { body: noticesResponse, description: 'The notices' } },
    problems: [],
    touches: { table: 'read' },
  },
} as const satisfies Record<string, RouteDefinition>;
