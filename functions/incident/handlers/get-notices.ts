import { httpHandler } from '../../core/http-handler';
import { noticesDeps } from '../deps';
import { myNotices } from '../incidents';
import { incidentRoutes } from '../routes';

export const handler = httpHandler(incidentRoutes.listMyNotices, noticesDeps, async (request, deps) => ({
  body: await myNotices(deps, request.identity.userId, request.query),
}));
