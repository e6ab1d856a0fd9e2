import { httpHandler } from '../../core/http-handler';
import { readCard } from '../card-service';

export const handler = httpHandler('getCard', async (request, deps) => ({
  body: { card: await readCard(await deps.cards(), request.identity, request.params.cardId) },
}));
