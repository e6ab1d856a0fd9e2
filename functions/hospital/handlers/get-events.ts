import { httpHandler } from '../../core/http-handler';
import { eventsDeps } from '../deps';
import { listHospitalEvents } from '../event-feed';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.hospitalEvents, eventsDeps, async (request, deps) => ({
  body: await listHospitalEvents(deps.hospitalEvents, request.hospital, request.query),
}));
