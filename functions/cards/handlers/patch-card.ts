import { httpHandler } from '../../core/http-handler';
import { updateCard } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.updateCard, cardsGroupDeps, async (request, deps) => ({
  body: { card: await updateCard(deps.cards, request.identity, request.params.cardId, request.body) },
}));
