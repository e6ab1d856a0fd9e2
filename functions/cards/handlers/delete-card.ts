import { httpHandler } from '../../core/http-handler';
import { unbindCard } from '../card-service';

export const handler = httpHandler('unbindCard', async (request, deps) => {
  await unbindCard(await deps.cards(), request.identity, request.params.cardId);
  return { status: 204 };
});
