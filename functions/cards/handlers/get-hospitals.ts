import { httpHandler } from '../../core/http-handler';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.listHospitals, cardsGroupDeps, async (_request, deps) => ({
  body: {
    hospitals: deps.edge.config.hospitals.map((h) => ({
      id: h.id,
      name: h.name,
      cardLimit: h.cardLimit,
      requiredAssurance: h.requiredAssurance ?? 'two_element',
    })),
  },
}));
