import { httpHandler } from '../../core/http-handler';
import { readCard } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.getCard, cardsGroupDeps, async (request, deps) => ({
  body: { card: await readCard(deps.cards, request.identity, request.params.cardId) },
}));
