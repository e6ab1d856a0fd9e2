import { httpHandler } from '../../core/http-handler';
import { readPatientJson } from '../patient-reads';

export const handler = httpHandler('hospitalPatient', async (request, deps) => ({
  body: await readPatientJson(await deps.hospitalReads(), request.hospital, request.params.hisPatientId),
}));
