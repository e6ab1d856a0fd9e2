import { httpHandler } from '../../core/http-handler';
import { listHospitalEvents } from '../event-feed';

export const handler = httpHandler('hospitalEvents', async (request, deps) => ({
  body: await listHospitalEvents(await deps.hospitalEvents(), request.hospital, request.query),
}));
