import { httpHandler } from '../../core/http-handler';
import { listCards } from '../card-service';

export const handler = httpHandler('listCards', async (request, deps) => ({
  body: { cards: await listCards(await deps.cards(), request.identity) },
}));
