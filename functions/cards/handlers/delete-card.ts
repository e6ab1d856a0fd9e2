import { httpHandler } from '../../core/http-handler';
import { unbindCard } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.unbindCard, cardsGroupDeps, async (request, deps) => {
  await unbindCard(deps.cards, request.identity, request.params.cardId);
  return {};
});
