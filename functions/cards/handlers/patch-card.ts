import { httpHandler } from '../../core/http-handler';
import { updateCard } from '../card-service';

export const handler = httpHandler('updateCard', async (request, deps) => ({
  body: { card: await updateCard(await deps.cards(), request.identity, request.params.cardId, request.body) },
}));
