import { httpHandler } from '../../core/http-handler';
import { listCards } from '../card-service';
import { cardsGroupDeps } from '../deps';
import { cardRoutes } from '../routes';

export const handler = httpHandler(cardRoutes.listCards, cardsGroupDeps, async (request, deps) => ({
  body: await listCards(deps.cards, request.identity, request.query),
}));
