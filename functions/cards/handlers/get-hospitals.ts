import { httpHandler } from '../../core/http-handler';

export const handler = httpHandler('listHospitals', async (_request, deps) => ({
  body: { hospitals: deps.config.hospitals.map((h) => ({ id: h.id, name: h.name, cardLimit: h.cardLimit })) },
}));
