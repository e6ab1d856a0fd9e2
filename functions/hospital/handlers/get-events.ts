import { listHospitalEvents } from '../../cards';
import { httpHandler } from '../../core/http-handler';
import { eventsDeps } from '../deps';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.hospitalEvents, eventsDeps, async (request, deps) => ({
  body: await listHospitalEvents(deps.hospitalEvents, request.hospital, request.query),
}));
